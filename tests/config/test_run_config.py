#!/usr/bin/python3
"""`edgebench run --config` end to end: a configuration with two Fashion-MNIST variants over a small image
folder x engines [ref, auto] x threads [1, 2] stores 8 measurements; a bad key is a file:line:col error
with nothing stored; --profile-ops stores per-operator rows that add up to the measured latency;
`iterations` caps the timed inferences; --group picks one group; Ctrl-C during a cool-down marks the run
interrupted with what was measured stored whole. Prints 'N passed, M failed'; exit 77 without ../shared.

  test_run_config.py --edgebench PATH [--shared ../shared] [--source-dir REPO] [--make-video PATH]
"""
import argparse
import json
import os
import signal
import sqlite3
import struct
import subprocess
import sys
import tempfile
import time
import zlib

ARGS = None
RESULTS = []


def check(name, cond, detail=''):
    RESULTS.append((name, bool(cond)))
    if not cond:
        print('FAIL %s %s' % (name, detail))


def model(name):
    return os.path.join(ARGS.shared, 'models', name)


def write_png(path, width, height, pixels):
    """A grayscale 8-bit PNG, written with zlib (the test needs nothing beyond the standard library)."""
    def chunk(kind, data):
        body = kind + data
        return struct.pack('>I', len(data)) + body + struct.pack('>I', zlib.crc32(body) & 0xffffffff)
    raw = b''.join(b'\x00' + bytes(pixels[y * width:(y + 1) * width]) for y in range(height))
    with open(path, 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, 0, 0, 0, 0)) +
                chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))


def make_images(d, per_class=4, classes=3):
    """class folders 0..classes-1 of 28x28 patterns that differ per image."""
    for c in range(classes):
        os.makedirs(os.path.join(d, str(c)), exist_ok=True)
        for i in range(per_class):
            px = [((x * (c + 1) + y * (i + 2)) * 7) % 256 for y in range(28) for x in range(28)]
            write_png(os.path.join(d, str(c), '%02d.png' % i), 28, 28, px)
    return classes * per_class


def edgebench(*args, timeout=600):
    return subprocess.run([ARGS.edgebench] + [str(a) for a in args], capture_output=True, text=True, timeout=timeout)


def rows(db, sql):
    con = sqlite3.connect(db)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def write_config(d, name, body):
    path = os.path.join(d, name)
    with open(path, 'w') as f:
        f.write(body)
    return path


def group(name, extra='', variants=None):
    variants = variants or ['{path: %s, label: float32, reference: true}' % model('fmnist-cnn-float32.tflite'),
                            '{path: %s, label: int8}' % model('fmnist-cnn-int8.tflite')]
    return ('  - name: %s\n    source: {images: imgs}\n    variants:\n' % name +
            ''.join('      - %s\n' % v for v in variants) + extra)


def test_matrix(d, n_images):
    db = os.path.join(d, 'matrix.db')
    cfg = write_config(d, 'matrix.yaml', 'device_name: test-rig\ndatabase: matrix.db\n'
                       'defaults: {engines: [ref, auto], threads: [1, 2], warmup: 0}\ngroups:\n' + group('fm'))
    p = edgebench('run', '--config', cfg)
    check('matrix run exit 0', p.returncode == 0, p.stderr[-800:])
    check('database path relative to the config', os.path.exists(db), db)
    if p.returncode != 0 or not os.path.exists(db):
        return
    q = edgebench('query', 'compare', '--db', db, '--format', 'json')
    check('query compare json', q.returncode == 0, q.stderr)
    got = json.loads(q.stdout) if q.returncode == 0 else []
    keys = sorted((r['variant'], r['engine'], r['threads']) for r in got)
    # The reference engine runs on one thread: measured once per variant, at 1 (not repeated as "ref x2").
    want = sorted([(v, 'auto', t) for v in ('float32', 'int8') for t in (1, 2)] +
                  [(v, 'ref', 1) for v in ('float32', 'int8')])
    check('6 measurements: variants x (auto x threads 1, 2 + ref x 1)', keys == want, str(keys))
    check('int8 drift against the reference', all(r['agreement_top1'] is not None for r in got if r['variant'] == 'int8'),
          str(got))
    check('every image measured', all(n == n_images for (n,) in rows(db, 'select num_images from measurements')))
    (status, device, config_text), = rows(db, 'select status, device_name, config_text from runs')
    check('run complete', status == 'complete', status)
    check('device name stored', device == 'test-rig', device)
    check('config text stored verbatim', config_text == open(cfg).read(), config_text[:200])
    check('table printed', 'float32' in p.stdout and 'int8' in p.stdout and 'auto' in p.stdout, p.stdout)


def test_bad_key(d):
    db = os.path.join(d, 'bad.db')
    cfg = write_config(d, 'bad.yaml', 'database: bad.db\ngroups:\n' + group('fm', '    thraeds: [1]\n'))
    p = edgebench('run', '--config', cfg)
    lines = [l for l in p.stderr.splitlines() if l.strip()]
    check('bad key exit != 0', p.returncode != 0, str(p.returncode))
    check('bad key: one line naming file:line:col, the key and a suggestion',
          len(lines) == 1 and 'bad.yaml:8:5: groups[0].thraeds: unknown key' in lines[0] and "'threads'" in lines[0],
          p.stderr)
    check('bad key: no run stored', not os.path.exists(db) or rows(db, 'select count(*) from runs') == [(0,)])
    cfg = write_config(d, 'missing.yaml', 'groups:\n' + group('fm', variants=['{path: nowhere.tflite}']))
    p = edgebench('run', '--config', cfg, '--db', db)
    check('missing variant file: file:line:col', p.returncode != 0 and 'missing.yaml:5:16: groups[0].variants[0].path' in p.stderr
          and 'nowhere.tflite' in p.stderr, p.stderr)


def test_profile_ops(d):
    db = os.path.join(d, 'profile.db')
    cfg = write_config(d, 'profile.yaml', 'defaults: {engines: [ref], iterations: 5}\ngroups:\n' + group('fm') +
                       group('other', variants=['{path: %s}' % model('fmnist-cnn-int8.tflite')]))
    p = edgebench('run', '--config', cfg, '--group', 'fm', '--profile-ops', '--db', db)
    check('profile run exit 0', p.returncode == 0, p.stderr[-800:])
    if p.returncode != 0:
        return
    check('--group runs only that group', rows(db, 'select distinct model_group from runs') == [('fm',)])
    for mid, variant in rows(db, 'select id, variant from measurements'):
        n = rows(db, 'select count(*) from latency_samples where measurement_id = %d' % mid)[0][0]
        check('iterations caps the timed inferences (%s)' % variant, n == 5, str(n))
        ops, = rows(db, 'select count(*), sum(total_ms) from op_profile where measurement_id = %d' % mid)
        lat, = rows(db, 'select sum(latency_ms) from latency_samples where measurement_id = %d' % mid)[0]
        check('op profile stored (%s)' % variant, ops[0] >= 5, str(ops))
        # The nodes' times are inside each timed inference: they add up to nearly all of it.
        check('op times sum to the latency (%s)' % variant, ops[1] and lat and 0.7 * lat <= ops[1] <= 1.0001 * lat,
              '%s ms of ops vs %s ms measured' % (ops[1], lat))
    p = edgebench('run', '--config', cfg, '--group', 'nope', '--db', db)
    check('unknown --group is an error', p.returncode != 0 and "'nope'" in p.stderr and 'fm, other' in p.stderr, p.stderr)


def test_interrupt_during_cooldown(d):
    db = os.path.join(d, 'stop.db')
    cfg = write_config(d, 'stop.yaml', 'defaults: {engines: [ref], cooldown_s: 60}\ngroups:\n' + group('fm'))
    proc = subprocess.Popen([ARGS.edgebench, 'run', '--config', cfg, '--db', db], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    measured = 0
    while time.time() < deadline and measured == 0:  # the first measurement is stored, the cool-down begins
        time.sleep(0.3)
        try:
            measured = rows(db, 'select count(*) from measurements')[0][0]
        except sqlite3.Error:
            pass
    time.sleep(0.5)
    t0 = time.time()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    check('Ctrl-C ends the cool-down at once', time.time() - t0 < 5, '%.1f s' % (time.time() - t0))
    check('interrupted exit code 130', proc.returncode == 130, '%s %s' % (proc.returncode, err[-300:]))
    check('first measurement stored before the stop', measured > 0)
    if not measured:
        return
    st = rows(db, 'select status from runs')
    check('run marked interrupted', st == [('interrupted',)], str(st))
    check('the measurement before the stop is kept', rows(db, 'select variant from measurements') == [('float32',)])


def test_quick_form_matrix(d, images):
    db = os.path.join(d, 'quick.db')
    p = edgebench('run', model('fmnist-cnn-float32.tflite'), model('fmnist-cnn-int8.tflite'), '--images', images,
                  '--engine', 'ref,auto', '--threads', '1,2', '--cooldown', '0', '--db', db)
    check('quick form matrix exit 0', p.returncode == 0, p.stderr[-500:])
    if p.returncode == 0:
        check('quick form: 6 measurements (ref once, at 1 thread)',
              sorted(rows(db, 'select engine, threads from measurements')) ==
              sorted([('auto', 1), ('auto', 2)] * 2 + [('ref', 1)] * 2))
    p = edgebench('run', model('fmnist-cnn-int8.tflite'), '--images', images, '--engine', 'fastest')
    check('quick form: unknown engine is an error', p.returncode != 0 and "'fastest'" in p.stderr, p.stderr)


def test_camera_video_relative(d):
    """A `camera:` video file relative to the configuration runs through the capture path; frames caps it."""
    if not ARGS.make_video:
        return
    mk = subprocess.run([ARGS.make_video, os.path.join(d, 'clip.avi'), '12'], capture_output=True, text=True)
    check('test video written', mk.returncode == 0, mk.stderr)
    db = os.path.join(d, 'camera.db')
    cfg = write_config(d, 'camera.yaml', 'groups:\n  - name: cam\n    source: {camera: clip.avi, frames: 6}\n'
                       '    variants: [%s]\n    engines: ref\n' % model('fmnist-cnn-int8.tflite'))
    p = edgebench('run', '--config', cfg, '--db', db)
    check('camera (video file) run from a config', p.returncode == 0, p.stderr[-300:])
    if p.returncode == 0:
        got = rows(db, 'select top1, (select count(*) from latency_samples s where s.measurement_id = m.id) from measurements m')
        check('camera: 6 frames, unlabelled', got == [(None, 5)], str(got))
    cfg = write_config(d, 'nocam.yaml', 'groups:\n  - name: cam\n    source: {camera: nothing-here.avi}\n'
                       '    variants: [%s]\n' % model('fmnist-cnn-int8.tflite'))
    p = edgebench('run', '--config', cfg, '--db', db)
    check('missing video file is located', p.returncode != 0 and 'nocam.yaml:3:22: groups[0].source.camera' in p.stderr,
          p.stderr)


def test_example_config(d):
    """The shipped example is valid YAML and fails only on the files it names (not on a key)."""
    example = os.path.join(ARGS.source_dir, 'config', 'edgebench.example.yaml')
    if not os.path.exists(example):
        return
    cfg = write_config(d, 'example.yaml', open(example).read())
    p = edgebench('run', '--config', cfg, '--db', os.path.join(d, 'example.db'))
    check('example config: only a missing file is reported', p.returncode != 0 and 'not found' in p.stderr
          and 'unknown key' not in p.stderr, p.stderr)


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument('--edgebench', required=True)
    ap.add_argument('--shared', default=os.path.join(os.path.dirname(__file__), '..', '..', '..', 'shared'))
    ap.add_argument('--make-video', default='', help='tests/support/make_test_video binary')
    ap.add_argument('--source-dir', default=os.path.join(os.path.dirname(__file__), '..', '..'))
    ARGS = ap.parse_args()
    ARGS.shared = os.path.abspath(ARGS.shared)
    if not os.path.exists(model('fmnist-cnn-float32.tflite')):
        print('SKIP: %s not found (shared test material absent)' % model('fmnist-cnn-float32.tflite'))
        return 77
    with tempfile.TemporaryDirectory() as d:
        images = os.path.join(d, 'imgs')
        n = make_images(images)
        test_matrix(d, n)
        test_bad_key(d)
        test_profile_ops(d)
        test_interrupt_during_cooldown(d)
        test_quick_form_matrix(d, images)
        test_camera_video_relative(d)
        test_example_config(d)
    failed = sum(1 for _, ok in RESULTS if not ok)
    print('%d passed, %d failed' % (len(RESULTS) - failed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
