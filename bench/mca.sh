#!/bin/sh
# llvm-mca figures for the aarch64 microkernels' inner loops (issue #3 target: at least 80% of the
# core's peak multiply-add rate on Cortex-A72).
#
#   bench/mca.sh [--verbose]        (needs aarch64-linux-gnu-g++ and llvm-mca-14; python3)
#
# What it does, per kernel:
#  1. compiles the kernel's source for aarch64 with the flags the cross build gives it
#     (toolchains/aarch64-linux-gnu.cmake: -march=armv8-a; RelWithDebInfo: -O2; kernels/CMakeLists.txt:
#     -march=armv8.2-a+dotprod for *_neondot.cc), to assembly (-S): the code measured is the code built;
#  2. finds the microkernel's innermost loop in that assembly: a backward branch to a label of the
#     same function with no other loop inside, the one with the most multiply-adds;
#  3. counts its multiply-adds (lanes: FMLA .4s = 4, SMLAL/SMLAL2 .4s = 4, SDOT .4s = 16, ...);
#  4. runs llvm-mca -mcpu=CPU -iterations=200 on the loop body: cycles per iteration = Total Cycles /
#     200 (steady state, loop-carried dependencies included); Block RThroughput is printed beside it;
#  5. peak = the multiply-adds per cycle of the same model on a block of independent instructions of
#     the loop's kind (FMLA .4s; SMLAL .8b -> .8h for int8; SDOT .4s), measured here too, so the
#     fraction is the model's own. int8 on ARMv8.0: 8-bit multiplies (SMULL/SMLAL .8b, 8 products per
#     instruction) are the core's peak; the kernels on int16 operands (SMLAL .4h -> .4s, 4 per
#     instruction: uint8 GEMM, depthwise) can reach half of it at most, so their rate against the
#     16-bit instruction is printed beside.
#     Cortex-A72 Software Optimization Guide (ARM UAN 0016A, sections 3.14 "ASIMD integer" and 3.15
#     "ASIMD floating-point" instructions): Q-form FMLA issues once per cycle (it occupies both
#     64-bit FP pipes F0/F1) = 4 fp32 multiply-adds per cycle; SMLAL/SMLAL2 (multiply accumulate long)
#     once per cycle on F0 only = 4 int16 multiply-adds per cycle, or 8 int8 ones in the .8b -> .8h
#     form. LLVM 14 models cortex-a72 with its Cortex-A57 model (AArch64SchedA57.td, from the A57
#     guide; the A72 guide lists the same throughputs for these instructions), and has no Cortex-A76
#     model either: -mcpu=cortex-a76 also gets the A57 model, which issues SDOT twice per cycle (the
#     A76 guide: 2 per cycle, pipes V0/V1), so the SDOT row is indicative only.
# Prints one row per kernel; --verbose also prints each extracted loop. Then the same figures for
# XNNPACK's own loops of the same kind, disassembled from the arm64 libXNNPACK.so.0 of the cross sysroot
# (EDGEBENCH_SYSROOT, default build-aarch64-sysroot; OBJDUMP, default aarch64-linux-gnu-objdump).
# Last, LiteRT's own loops (issue 17): XNNPACK as linked into the ai-edge-litert manylinux aarch64 wheel,
# unpacked in LITERT_ARM64_DIR (default ~/.cache/edgebench/litert-arm64);
#   bench/mca.sh --fetch-litert [--verbose]
# first downloads that wheel with pip (the version installed in /opt/tfenv, or LITERT_VERSION) and
# unpacks its libpywrap_litert_common.so there; nothing of it enters the repository.
set -eu
cd "$(dirname "$0")/.."
CXX=${CXX:-aarch64-linux-gnu-g++}
MCA=${LLVM_MCA:-llvm-mca-14}
export LITERT_ARM64_DIR="${LITERT_ARM64_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/edgebench/litert-arm64}"
if [ "${1:-}" = --fetch-litert ]; then
  shift
  PIP=${PIP:-/opt/tfenv/bin/pip}
  ver=${LITERT_VERSION:-$("$PIP" show ai-edge-litert 2>/dev/null | sed -n 's/^Version: //p')}
  [ -n "$ver" ] || { echo "mca.sh: no ai-edge-litert version (set LITERT_VERSION)" >&2; exit 1; }
  py=$("$PIP" --version | sed 's/.*(python \([0-9]*\)\.\([0-9]*\)).*/\1\2/')
  mkdir -p "$LITERT_ARM64_DIR"
  "$PIP" download "ai-edge-litert==$ver" --only-binary=:all: --no-deps --python-version "$py" \
    --platform manylinux_2_27_aarch64 --platform manylinux_2_17_aarch64 --platform manylinux2014_aarch64 \
    -d "$LITERT_ARM64_DIR" >&2
  whl=$(ls "$LITERT_ARM64_DIR"/ai_edge_litert-"$ver"-*aarch64.whl | head -n 1)
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("ai_edge_litert/libpywrap_litert_common.so", sys.argv[2])' \
    "$whl" "$LITERT_ARM64_DIR"
fi
exec python3 - "$CXX" "$MCA" "$@" <<'PYEOF'
import glob, hashlib, os, re, subprocess, sys, tempfile

litert_dir = os.environ['LITERT_ARM64_DIR']

cxx, mca = sys.argv[1], sys.argv[2]
verbose = '--verbose' in sys.argv[3:]
ITER = 200
BASE = ['-std=c++20', '-O2', '-DNDEBUG', '-march=armv8-a', '-Wno-psabi', '-I.']
DOT = ['-march=armv8.2-a+dotprod']  # after BASE, as in the build: the last -march wins

# (row name, source, function, extra flags, cpu, peak instruction)
KERNELS = [
    ('f32 GEMM 6x8', 'kernels/ops/gemm/gemm_f32_neon.cc', 'igemm_f32_6x8_neon', [], 'cortex-a72', 'fmla'),
    ('uint8 (16-bit) GEMM 4x8 (SMLAL .4h)', 'kernels/ops/gemm/gemm_q8_neon.cc', 'gemm_q8_4x8_neon', [], 'cortex-a72', 'smlal'),
    ('f32 depthwise 3x3 (8c)', 'kernels/ops/depthwise_conv2d/dwconv_f32_neon.cc', 'dwconv_f32_3x3_neon', [],
     'cortex-a72', 'fmla'),
    ('f32 depthwise 5x5 (4px x 8c)', 'kernels/ops/depthwise_conv2d/dwconv_f32_neon.cc', 'dwconv_f32_5x5_neon', [],
     'cortex-a72', 'fmla'),
    ('f32 depthwise 3x3 stride 1 (8px x 4c)', 'kernels/ops/depthwise_conv2d/dwconv_f32_s1_neon.cc',
     'dwconv_f32_3x3s1_neon', [], 'cortex-a72', 'fmla'),
    ('f32 depthwise 5x5 stride 1 (8px x 4c)', 'kernels/ops/depthwise_conv2d/dwconv_f32_s1_neon.cc',
     'dwconv_f32_5x5s1_neon', [], 'cortex-a72', 'fmla'),
    ('f32 depthwise 3x3 stride 2 (4px x 8c)', 'kernels/ops/depthwise_conv2d/dwconv_f32_s2_neon.cc',
     'dwconv_f32_3x3s2_neon', [], 'cortex-a72', 'fmla'),
    ('f32 depthwise 5x5 stride 2 (4px x 8c)', 'kernels/ops/depthwise_conv2d/dwconv_f32_s2_neon.cc',
     'dwconv_f32_5x5s2_neon', [], 'cortex-a72', 'fmla'),
    ('uint8 (16-bit) depthwise 3x3 (16c)', 'kernels/ops/depthwise_conv2d/dwconv_q8_neon.cc', 'dwconv_q8_3x3_block_pairs', [],
     'cortex-a72', 'smlal'),
    ('int8 depthwise 3x3, 8-bit multiplies (16c)', 'kernels/ops/depthwise_conv2d/dwconv_q8_neon.cc',
     'dwconv_q8_3x3_block_pairs_int8', [], 'cortex-a72', 'smlal8'),
    ('uint8 (16-bit) depthwise 3x3 stride 1 (4px x 8c)', 'kernels/ops/depthwise_conv2d/dwconv_q8_s1_neon.cc',
     'dwconv_q8_3x3s1_steps_neon', [], 'cortex-a72', 'smlal'),
    ('int8 depthwise 3x3 stride 1, 8-bit multiplies (4px x 8c)',
     'kernels/ops/depthwise_conv2d/dwconv_q8_s1_neon.cc', 'steps_int8', [], 'cortex-a72',
     'smlal8'),
    ('int8/uint8 (16-bit) depthwise, any filter, per tap (8c; 5x5 runs it; requantization outside the loop)',
     'kernels/ops/depthwise_conv2d/dwconv_q8_neon.cc', 'blocks_from', [], 'cortex-a72', 'smlal'),
    ('int8 GEMM 4x8c4 (SMULL/SMLAL .8b)', 'kernels/ops/gemm/gemm_qs8_c4_neon.cc', 'gemm_qs8_4x8c4_neon', [],
     'cortex-a72', 'smlal8'),
    ('int8 GEMM 4x16c4 (SDOT)', 'kernels/ops/gemm/gemm_qs8_c4_neondot.cc', 'gemm_qs8_4x16c4_neondot', DOT,
     'cortex-a76', 'sdot'),
]
PEAK_BLOCK = {  # independent instructions (no shared destination), element operands in v0-v15
    'fmla': 'fmla v{d}.4s, v14.4s, v15.s[0]',
    'smlal': 'smlal v{d}.4s, v14.4h, v15.h[0]',
    'smlal8': 'smlal v{d}.8h, v14.8b, v15.8b',
    'sdot': 'sdot v{d}.4s, v14.16b, v15.4b[0]',
}
MAC_RE = re.compile(r'^\s*(fmla|fmadd|smlal2?|umlal2?|smull2?|umull2?|mla|sdot|udot)\s+([vsd])(\d+)(?:\.(\d+)([bhsd]))?')
BRANCH_RE = re.compile(r'^\s+(b(?:\.?(?:eq|ne|cs|hs|cc|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le))?|cbn?z|tbn?z)\s+'
                       r'(?:.*,\s*)?(\.L\w+)\s*$')


def macs(line):
    m = MAC_RE.match(line)
    if not m:
        return 0
    op, lanes = m.group(1), m.group(4)
    if lanes is None:  # scalar fmadd / fmla s
        return 1
    return int(lanes) * (4 if op in ('sdot', 'udot') else 1)


def innermost_loop(asm, fn):
    lines = asm.split('\n')
    start = end = None
    for i, l in enumerate(lines):
        m = re.match(r'^([A-Za-z_][\w.$]*):', l)
        if m and fn in m.group(1) and start is None:
            start = i
        elif start is not None and l.strip().startswith('.size') and fn in l:
            end = i
            break
    if start is None or end is None:
        sys.exit('mca.sh: function %s not found in the assembly' % fn)
    body = lines[start:end]
    labels = {m.group(1): i for i, l in enumerate(body) for m in [re.match(r'^(\.L\w+):', l)] if m}
    loops = []
    for i, l in enumerate(body):
        m = BRANCH_RE.match(l)
        if m and m.group(2) in labels and labels[m.group(2)] < i:
            loops.append((labels[m.group(2)], i))
    best = None
    for s, t in loops:
        if any(s <= a and b <= t and (a, b) != (s, t) for a, b in loops):
            continue  # has a loop inside: not innermost
        code = [x for x in body[s + 1:t + 1] if x.startswith('\t') and not x.strip().startswith(('.', '//'))]
        n = sum(macs(x) for x in code)
        if best is None or n > best[0]:
            best = (n, code)
    if best is None or best[0] == 0:
        sys.exit('mca.sh: no multiply-add loop in %s' % fn)
    return best


def run_mca(code, cpu):
    out = subprocess.run([mca, '-mtriple=aarch64-linux-gnu', '-mcpu=' + cpu, '-mattr=+dotprod',
                          '-iterations=%d' % ITER], input='\n'.join(code) + '\n', capture_output=True, text=True,
                         check=True).stdout
    total = int(re.search(r'Total Cycles:\s+(\d+)', out).group(1))
    rthr = float(re.search(r'Block RThroughput:\s+([\d.]+)', out).group(1))
    return total / ITER, rthr


peaks = {}


def peak(kind, cpu):
    if (kind, cpu) not in peaks:
        code = [PEAK_BLOCK[kind].format(d=d) for d in range(16, 32)]
        cycles, _ = run_mca(code, cpu)
        peaks[(kind, cpu)] = sum(macs(x) for x in code) / cycles
    return peaks[(kind, cpu)]


version = subprocess.run([mca, '--version'], capture_output=True, text=True).stdout.split('\n')
compiler = subprocess.run([cxx, '--version'], capture_output=True, text=True).stdout.split('\n')[0]
print('# %s; %s; -O2 -march=armv8-a (+dotprod for *_neondot.cc); %d iterations'
      % (compiler, ' '.join(x.strip() for x in version[:2] if x.strip()), ITER))
print('| kernel | cpu | instrs/iter | MACs/iter | cycles/iter | RThroughput | MACs/cycle | peak | of peak '
      '| of the 16-bit SMLAL rate |')
print('|---|---|---|---|---|---|---|---|---|---|')
under = 0
with tempfile.TemporaryDirectory() as tmp:
    asm_cache = {}
    for name, src, fn, flags, cpu, kind in KERNELS:
        key = (src, tuple(flags))
        if key not in asm_cache:
            out = os.path.join(tmp, 'k%d.s' % len(asm_cache))
            subprocess.run([cxx] + BASE + flags + ['-S', '-o', out, src], check=True)
            asm_cache[key] = open(out).read()
        n, code = innermost_loop(asm_cache[key], fn)
        cycles, rthr = run_mca(code, cpu)
        # int8 on ARMv8.0: the core's peak is SMLAL/SMULL .8b (8 products per cycle); kernels on 16-bit
        # operands (SMLAL .4h, 4 per cycle) are measured against it too, and their own rate shown beside.
        int8 = kind in ('smlal', 'smlal8')
        rate, top = n / cycles, peak('smlal8' if int8 else kind, cpu)
        frac = rate / top
        under += cpu == 'cortex-a72' and frac < 0.8
        of16 = '%.0f%%' % (100 * rate / peak('smlal', cpu)) if int8 else '-'
        print('| %s (`%s`) | %s | %d | %d | %.2f | %.2f | %.2f | %.1f | %.0f%% | %s |'
              % (name, fn, cpu, len(code), n, cycles, rthr, rate, top, 100 * frac, of16))
        if verbose:
            print('\n'.join('    ' + x.strip() for x in code))
print('# %d Cortex-A72 loop(s) under 80%% of peak' % under)


# The yardstick under the same model: XNNPACK's own aarch64 loops, disassembled from Debian's arm64
# libXNNPACK.so.0 in the cross sysroot (the library `--engine xnnpack` runs on a Pi). Its internal
# kernels carry no symbols, so a loop is picked by its instruction pattern; --verbose prints it.
#  - int8 depthwise 3x3: the per-channel (qc8) up16x9 kernel with 8-bit multiplies and fp32
#    requantization: 18 SMULL/SMLAL .8b -> .8h (9 taps x 16 channels) and 4 FCVTNS per iteration (the
#    smallest such loop; two match, the other encloses a remainder loop).
# Only this row: it is the one kernel kind of ours under 80% that is not a per-pixel fallback, and the
# only one whose XNNPACK loop the pattern names unambiguously (several f32 loops match a 3x3 shape).
def objdump_loops(lines):
    ins, func = [], None
    for l in lines:
        m = re.match(r'^([0-9a-f]+) <(.*)>:', l)
        if m:
            func = m.group(2)
            continue
        m = re.match(r'^\s+([0-9a-f]+):\s+(\S.*)$', l)
        if m:
            text = re.sub(r'\s*//.*$', '', m.group(2)).strip()
            ins.append((int(m.group(1), 16), re.sub(r'\s+<[^>]*>', '', text), func))
    at = {a: i for i, (a, _, _) in enumerate(ins)}
    for i, (a, text, func) in enumerate(ins):
        m = re.match(r'^(b\.\w+|cbn?z|tbn?z)\s+(?:.*,\s*)?([0-9a-f]+)$', text)
        if m and int(m.group(2), 16) < a and int(m.group(2), 16) in at:
            s = at[int(m.group(2), 16)]
            body = [t for _, t, _ in ins[s:i]] + [text[:m.start(2)] + '.Lxnn_loop']
            yield func, body


def yardstick_rows(sysroot, objdump):
    lib = os.path.join(sysroot, 'usr/lib/aarch64-linux-gnu/libXNNPACK.so.0')
    if not os.path.exists(lib):
        print('# XNNPACK yardstick: %s absent (scripts/make-sysroot.sh makes it)' % lib)
        return
    lines = subprocess.run([objdump, '-d', '--no-show-raw-insn', lib], capture_output=True, text=True,
                           check=True).stdout.split('\n')
    wanted = [
        ('XNNPACK int8 depthwise 3x3 (qc8 up16x9, 8-bit multiplies, fp32 requantization)', 'smlal8',
         lambda f, b: sum(1 for x in b if re.match(r'(smull|smlal)\s+v\d+\.8h, v\d+\.8b', x)) == 18
         and sum(1 for x in b if x.startswith('fcvtns')) == 4),
    ]
    loops = list(objdump_loops(lines))
    for name, kind, match in wanted:
        found = [b for f, b in loops if match(f, b)]
        if not found:
            print('# XNNPACK yardstick: no loop like "%s" in %s' % (name, lib))
            continue
        code = min(found, key=len)
        n = sum(macs(x) for x in code)
        cycles, rthr = run_mca(code, 'cortex-a72')
        rate, top = n / cycles, peak(kind, 'cortex-a72')
        of16 = '%.0f%%' % (100 * rate / peak('smlal', 'cortex-a72')) if kind == 'smlal8' else '-'
        print('| %s | cortex-a72 | %d | %d | %.2f | %.2f | %.2f | %.1f | %.0f%% | %s |'
              % (name, len(code), n, cycles, rthr, rate, top, 100 * rate / top, of16))
        if verbose:
            print('\n'.join('    ' + x for x in code))


# LiteRT's own arm64 loops (issue 17): the XNNPACK inside the ai-edge-litert manylinux aarch64 wheel
# (libpywrap_litert_common.so, which the Python interpreter loads). The library keeps its .symtab, so each
# microkernel is found by its name, not by a pattern; the loop measured is picked by the rule used for
# ours (the innermost backward-branch loop of the function with the most multiply-adds). Which kernel
# LiteRT runs on which core is XNNPACK's choice (src/configs/gemm-config.c, dwconv-config.c), on Linux
# with assembly enabled:
#  - int8 (qs8-qc8w) GEMM/IGEMM: Cortex-A72/A73 2x8c8 asm "neon_mlal_prfm" (no dotprod); with dotprod
#    (Cortex-A76 and other non-A55 cores) 4x16c4 asm "neondot_ld128";
#  - f32 GEMM/IGEMM: Cortex-A72 4x8 asm "cortex_a75_prfm"; Cortex-A57/A75/A76 6x8 "cortex_a75_prfm";
#  - uint8 (qu8) GEMM/IGEMM on Cortex-A57/A72/A73/A75/A76: 4x16 asm "neon_mlal_lane_cortex_a75_prfm";
#  - int8 depthwise: 9p16c / 25p16c "neonv8_mla8" (intrinsics; the only arm64 qs8-qc8w ones linked);
#    uint8 depthwise 3x3: 9p16c "neon_mul8" (the only qu8 9-tap one linked);
#  - f32 depthwise: 9p8c / 25p8c_acc2 "neonfma" (the asm 9p4c is for Cortex-A53/A55 only).
# (row name, symbol, cpu, peak kind); a row of 'fmla+fmul' counts FMUL .4s as 4 multiply-adds too: the
# 2-accumulator f32 depthwise kernel starts its second sum with a multiply, one per tap group.
LITERT_KERNELS = [
    ('int8 GEMM 2x8c8 (SMULL/SMLAL .8b + SADALP)', 'xnn_qs8_qc8w_gemm_minmax_fp32_ukernel_2x8c8__asm_aarch64_neon_mlal_prfm',
     'cortex-a72', 'smlal8'),
    ('int8 IGEMM 2x8c8 (SMULL/SMLAL .8b + SADALP)', 'xnn_qs8_qc8w_igemm_minmax_fp32_ukernel_2x8c8__asm_aarch64_neon_mlal_prfm',
     'cortex-a72', 'smlal8'),
    ('int8 GEMM 4x16c4 (SDOT)', 'xnn_qs8_qc8w_gemm_minmax_fp32_ukernel_4x16c4__asm_aarch64_neondot_ld128',
     'cortex-a76', 'sdot'),
    ('int8 IGEMM 4x16c4 (SDOT)', 'xnn_qs8_qc8w_igemm_minmax_fp32_ukernel_4x16c4__asm_aarch64_neondot_ld128',
     'cortex-a76', 'sdot'),
    ('uint8 GEMM 4x16 (16-bit SMLAL by lane)', 'xnn_qu8_gemm_minmax_rndnu_ukernel_4x16__asm_aarch64_neon_mlal_lane_cortex_a75_prfm',
     'cortex-a72', 'smlal8'),
    ('uint8 IGEMM 4x16 (16-bit SMLAL by lane)',
     'xnn_qu8_igemm_minmax_rndnu_ukernel_4x16__asm_aarch64_neon_mlal_lane_cortex_a75_prfm', 'cortex-a72', 'smlal8'),
    ('f32 GEMM 4x8 (A72 choice)', 'xnn_f32_gemm_minmax_ukernel_4x8__asm_aarch64_neonfma_cortex_a75_prfm',
     'cortex-a72', 'fmla'),
    ('f32 IGEMM 4x8 (A72 choice)', 'xnn_f32_igemm_minmax_ukernel_4x8__asm_aarch64_neonfma_cortex_a75_prfm',
     'cortex-a72', 'fmla'),
    ('f32 GEMM 6x8 (A76 choice)', 'xnn_f32_gemm_minmax_ukernel_6x8__asm_aarch64_neonfma_cortex_a75_prfm',
     'cortex-a72', 'fmla'),
    ('f32 IGEMM 6x8 (A76 choice)', 'xnn_f32_igemm_minmax_ukernel_6x8__asm_aarch64_neonfma_cortex_a75_prfm',
     'cortex-a72', 'fmla'),
    ('int8 depthwise 3x3 (9p16c, 8-bit multiplies, fp32 requantization)',
     'xnn_qs8_qc8w_dwconv_minmax_fp32_ukernel_9p16c__neonv8_mla8_ld64', 'cortex-a72', 'smlal8'),
    ('int8 depthwise 5x5 (25p16c, 8-bit multiplies, fp32 requantization)',
     'xnn_qs8_qc8w_dwconv_minmax_fp32_ukernel_25p16c__neonv8_mla8_ld64', 'cortex-a72', 'smlal8'),
    ('uint8 depthwise 3x3 (9p16c, 8-bit multiplies, rndnu requantization)',
     'xnn_qu8_dwconv_minmax_rndnu_ukernel_9p16c__neon_mul8', 'cortex-a72', 'smlal8'),
    ('f32 depthwise 3x3 (9p8c)', 'xnn_f32_dwconv_minmax_ukernel_9p8c__neonfma', 'cortex-a72', 'fmla'),
    ('f32 depthwise 5x5 (25p8c, 2 accumulators)', 'xnn_f32_dwconv_minmax_ukernel_25p8c__neonfma_acc2',
     'cortex-a72', 'fmla+fmul'),
]


def function_loop(ins, fn, count):
    """The innermost backward-branch loop of function fn (objdump lines) with the most multiply-adds."""
    body = [(a, t) for a, t, f in ins if f == fn]
    if not body:
        return None
    at = {a: i for i, (a, _) in enumerate(body)}
    loops = []
    for i, (a, t) in enumerate(body):
        m = re.match(r'^(b\.\w+|cbn?z|tbn?z)\s+(?:.*,\s*)?([0-9a-f]+)$', t)
        if m and int(m.group(2), 16) < a and int(m.group(2), 16) in at:
            loops.append((at[int(m.group(2), 16)], i, t[:m.start(2)] + '.Lxnn_loop'))
    best = None
    for s, e, branch in loops:
        if any(s <= a and b <= e and (a, b) != (s, e) for a, b, _ in loops):
            continue
        code = [t for _, t in body[s:e]] + [branch]
        n = sum(count(x) for x in code)
        if n and (best is None or n > best[0]):
            best = (n, code)
    return best


def litert_rows(lib, objdump):
    if not os.path.exists(lib):
        print('# LiteRT arm64: %s absent (bench/mca.sh --fetch-litert downloads the wheel)' % lib)
        return
    ins, func = [], None
    out = subprocess.run([objdump, '-d', '--no-show-raw-insn', lib], capture_output=True, text=True,
                         check=True).stdout
    for l in out.split('\n'):
        m = re.match(r'^([0-9a-f]+) <(.*)>:', l)
        if m:
            func = m.group(2)
            continue
        m = re.match(r'^\s+([0-9a-f]+):\s+(\S.*)$', l)
        if m:
            text = re.sub(r'\s*//.*$', '', m.group(2)).strip()
            ins.append((int(m.group(1), 16), re.sub(r'\s+<[^>]*>', '', text), func))
    for name, fn, cpu, kind in LITERT_KERNELS:
        count = macs
        if kind == 'fmla+fmul':
            kind = 'fmla'
            count = lambda x: macs(x) + (4 if re.match(r'^\s*fmul\s+v\d+\.4s', x) else 0)
        found = function_loop(ins, fn, count)
        if found is None:
            print('# LiteRT arm64: no multiply-add loop in %s (symbol absent from %s?)' % (fn, lib))
            continue
        n, code = found
        cycles, rthr = run_mca(code, cpu)
        int8 = kind in ('smlal', 'smlal8')
        rate, top = n / cycles, peak(kind, cpu)
        of16 = '%.0f%%' % (100 * rate / peak('smlal', cpu)) if int8 else '-'
        print('| LiteRT %s (`%s`) | %s | %d | %d | %.2f | %.2f | %.2f | %.1f | %.0f%% | %s |'
              % (name, fn.replace('_minmax', '').replace('_ukernel', ''), cpu, len(code), n, cycles, rthr,
                 rate, top, 100 * rate / top, of16))
        if verbose:
            print('\n'.join('    ' + x for x in code))


if os.environ.get('OBJDUMP', 'aarch64-linux-gnu-objdump'):
    print('# The yardstick: XNNPACK\'s own loops (Debian libXNNPACK.so.0, arm64), same model and peak')
    yardstick_rows(os.environ.get('EDGEBENCH_SYSROOT', 'build-aarch64-sysroot'),
                   os.environ.get('OBJDUMP', 'aarch64-linux-gnu-objdump'))
    wheels = sorted(glob.glob(os.path.join(litert_dir, 'ai_edge_litert-*aarch64.whl')))
    print('# LiteRT\'s loops (XNNPACK in the ai-edge-litert aarch64 wheel), same model and peak: %s'
          % ('%s (sha256 %s)' % (os.path.basename(wheels[-1]),
                                 hashlib.sha256(open(wheels[-1], 'rb').read()).hexdigest()[:16])
             if wheels else litert_dir))
    litert_rows(os.path.join(litert_dir, 'ai_edge_litert', 'libpywrap_litert_common.so'),
                os.environ.get('OBJDUMP', 'aarch64-linux-gnu-objdump'))
PYEOF
