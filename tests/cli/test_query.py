#!/usr/bin/python3
"""`edgebench query` against results databases built here (query_fixture.py), without `edgebench run`:
the schema of daemon/store/schema.cc's migrations, known runs and measurements, some stored at schema
version 1 before the later migrations ran (as an older edgebench left them). Checks every
subcommand and format: json field names and fractions, top-1 difference against the right reference,
nulls, CSV quoting, table alignment, fleet comparison, filters, and the errors (exit 1 and 2, one line).
Prints 'N passed, M failed'; exits non-zero when anything failed.
"""
import argparse
import csv
import hashlib
import io
import json
import os
import re
import shlex
import sqlite3
import subprocess
import sys
import tempfile

from query_fixture import (CONFIG_1, ERROR_3, ERROR_M3, GROUP_3, INT8_MODEL, INT8_PEAK, LABEL_1, LATEST, MIB,
                           fixture_a, fixture_b, latency, make_db)

ARGS = None
RESULTS = []
APPLICATION_ID = 0x45425253


def check(name, cond, detail=''):
    RESULTS.append((name, bool(cond), detail))
    if not cond:
        print('FAIL %s %s' % (name, str(detail)[:2000]))


def run(*cmd, env=None, text=True):
    full = shlex.split(ARGS.wrapper) + [ARGS.edgebench, 'query'] + [str(c) for c in cmd]
    return subprocess.run(full, capture_output=True, text=text, timeout=60, env=env)


def one_line_error(p, code):
    lines = [l for l in p.stderr.splitlines() if l.strip()]
    return p.returncode == code and len(lines) == 1 and lines[0].startswith('edgebench: ') and p.stdout == ''


def close(a, b, tol=1e-9):
    return a is not None and b is not None and abs(a - b) <= tol


# ---- table helpers ----

def table_lines(text):
    return [l for l in text.splitlines()]


def aligned(text):
    """The dashed rule line gives the column spans; every line must keep the gaps between them blank and put
    something in every span. Returns (ok, detail)."""
    lines = table_lines(text)
    rule_at = next((i for i, l in enumerate(lines) if l and set(l) <= {'-', ' '}), None)
    if rule_at is None:
        return False, 'no rule line'
    rule = lines[rule_at]
    spans = [(m.start(), m.end()) for m in re.finditer(r'-+', rule)]
    for l in lines[rule_at + 1:]:
        for k, (a, b) in enumerate(spans):
            if not l[a:b].strip():
                return False, 'empty cell %d in %r' % (k, l)
            if k + 1 < len(spans) and l[b:spans[k + 1][0]].strip():
                return False, 'gap %d not blank in %r' % (k, l)
    return True, ''


def table_cells(text):
    """Data rows split by the rule line's spans (header rows excluded)."""
    lines = table_lines(text)
    rule_at = next(i for i, l in enumerate(lines) if l and set(l) <= {'-', ' '})
    spans = [(m.start(), m.end()) for m in re.finditer(r'-+', lines[rule_at])]
    header = [' '.join(l[a:b].strip() for l in lines[:rule_at]).strip() for a, b in spans]
    rows = [[l[a:b].strip() for a, b in spans] for l in lines[rule_at + 1:]]
    return header, rows


def markdown_rows(text):
    rows = []
    for l in text.splitlines():
        if not (l.startswith('|') and l.endswith('|')):
            return None
        cells = re.split(r'(?<!\\)\|', l[1:-1])
        rows.append([c.strip().replace('\\|', '|') for c in cells])
    return rows


# ---- tests ----

def test_runs(a):
    p = run('runs', '--db', a, '--format', 'json')
    check('runs json exit 0', p.returncode == 0, p.stderr)
    runs = json.loads(p.stdout) if p.returncode == 0 else []
    check('runs newest first', [r['id'] for r in runs] == [3, 2, 1], runs)
    by_id = {r['id']: r for r in runs}
    if len(by_id) == 3:
        check('runs json names', set(by_id[1]) >= {'id', 'status', 'started_utc', 'model_group', 'device', 'measurements',
                                                   'failed_measurements', 'error', 'finished_utc'}, by_id[1])
        check('runs counts', (by_id[1]['measurements'], by_id[1]['failed_measurements']) == (3, 1) and
              (by_id[3]['measurements'], by_id[3]['failed_measurements']) == (0, 0), runs)
        check('runs device falls back to hostname', by_id[3]['device'] == 'pi-kws' and by_id[1]['device'] == 'pi5-lab-1', runs)
        check('runs failed status and error', by_id[3]['status'] == 'failed' and by_id[3]['error'] == ERROR_3, by_id[3])
        check('runs null error is null', by_id[1]['error'] is None and by_id[3]['duration_ms'] is None, by_id[1])

    def ids(*flags):
        p = run('runs', '--db', a, '--format', 'json', *flags)
        return [r['id'] for r in json.loads(p.stdout)] if p.returncode == 0 else p.stderr

    check('runs --last 1', ids('--last', '1') == [3])
    check('runs --since date', ids('--since', '2024-05-02') == [3, 2])
    check('runs --since with offset', ids('--since', '2024-05-03T09:00:00+02:00') == [3, 2])
    check('runs --since a second later', ids('--since', '2024-05-03T08:00:01Z') == [3])
    check('runs --since T hh:mm', ids('--since', '2024-05-01T10:00') == [3, 2, 1])
    check('runs --model', ids('--model', 'mobilenet-v2') == [2, 1])
    check('runs --variant', ids('--variant', 'dynamic') == [2])
    check('runs --device by hostname', ids('--device', 'raspberrypi') == [2, 1])
    check('runs --device by name', ids('--device', 'pi-kws') == [3] and ids('--device', 'pi5-lab-1') == [2, 1])
    check('runs --device and --last', ids('--device', 'pi5-lab-1', '--last', '1') == [2])
    check('runs no match is an empty array', ids('--model', 'nothing') == [])

    p = run('runs', '--db', a)
    check('runs table exit 0', p.returncode == 0, p.stderr)
    ok, why = aligned(p.stdout)
    check('runs table aligned', ok, why + '\n' + p.stdout)
    if ok:
        header, rows = table_cells(p.stdout)
        check('runs table columns', header == ['id', 'status', 'started (UTC)', 'model group', 'device', 'measurements',
                                              'failed'], header)
        check('runs table rows', [r[0] for r in rows] == ['3', '2', '1'] and rows[2][1:] ==
              ['complete', '2024-05-01 10:00:00', 'mobilenet-v2', 'pi5-lab-1', '3', '1'], rows)
    check('runs table fits 120 columns', max(len(l) for l in p.stdout.splitlines()) <= 120, p.stdout)
    p = run('runs', '--db', a, '--model', 'nothing')
    check('runs table no match says so', p.returncode == 0 and 'no runs' in p.stdout, p.stdout + p.stderr)

    p = run('runs', '--db', a, '--format', 'markdown')
    rows = markdown_rows(p.stdout) if p.returncode == 0 else None
    check('runs markdown is a GitHub table', rows is not None and len(rows) == 5 and
          all(len(r) == 7 for r in rows) and all(re.fullmatch(r'-+:?|:?-+', c) for c in rows[1]), p.stdout)
    if rows:
        check('runs markdown escapes the pipe', rows[2][3] == GROUP_3 and '\\|' in p.stdout, rows[2])

    p = run('runs', '--db', a, '--format', 'csv')
    check('runs csv exit 0', p.returncode == 0, p.stderr)
    recs = list(csv.DictReader(io.StringIO(p.stdout, newline='')))
    check('runs csv rows', [r['id'] for r in recs] == ['3', '2', '1'], recs)
    if len(recs) == 3:
        check('runs csv quoting round-trips', recs[0]['model_group'] == GROUP_3 and recs[0]['error'] == ERROR_3, recs[0])
        check('runs csv null is empty', recs[1]['error'] == '' and recs[2]['failed_measurements'] == '1', recs[1])
    raw = run('runs', '--db', a, '--format', 'csv', text=False).stdout
    check('runs csv RFC 4180 quoting, CRLF', b'"kws ""tiny"", v2|8k"' in raw and b'"camera, not found"' in raw and
          raw.count(b'\r\n') == 4 and raw.count(b'\n') == 4, raw)


COMPARE_NAMES = {'device', 'run_id', 'measurement_id', 'measured_utc', 'model', 'variant', 'is_reference', 'engine',
                 'isa', 'threads', 'size_bytes', 'compression', 'latency_ms', 'peak_rss_bytes', 'model_memory_bytes',
                 'top1', 'top5', 'delta_top1', 'agreement_top1', 'mse', 'max_abs_diff', 'map50', 'map50_95',
                 'det_precision', 'det_recall', 'map50_vs_ref', 'map50_95_vs_ref', 'boxes_gained', 'boxes_lost',
                 'throttled', 'error'}


def compare_json(*flags):
    p = run('compare', '--format', 'json', *flags)
    if p.returncode != 0:
        return p.stderr
    return json.loads(p.stdout)


def test_compare(a, b):
    rows = compare_json('--db', a)
    check('compare json is a list', isinstance(rows, list), rows)
    if not isinstance(rows, list):
        return
    check('compare: newest successful measurement per key, reference first',
          [(r['variant'], r['measurement_id']) for r in rows] == [('float32', 4), ('dynamic', 6), ('int8', 5)], rows)
    if len(rows) != 3:
        return
    ref, dyn, i8 = rows
    check('compare json names', all(set(r) == COMPARE_NAMES for r in rows), sorted(rows[0]))
    check('compare latency object', i8['latency_ms'] == {'p50': 39.0, 'p90': 40.0, 'p99': 42.5}, i8['latency_ms'])
    check('compare int8 figures', i8['model'] == 'mobilenet-v2' and i8['engine'] == 'ref' and i8['threads'] == 1 and
          i8['size_bytes'] == 3500000 and i8['compression'] == 4.0, i8)
    check('compare memory: the worker\'s peak and the model\'s own',
          (i8['peak_rss_bytes'], i8['model_memory_bytes']) == (INT8_PEAK, INT8_MODEL) and
          (ref['peak_rss_bytes'], ref['model_memory_bytes']) == (17 * MIB, 15 * MIB) and
          all(isinstance(r['model_memory_bytes'], int) for r in rows), rows)
    check('compare fractions', close(i8['top1'], 0.69) and close(i8['top5'], 0.89) and close(i8['agreement_top1'], 0.93)
          and close(i8['mse'], 0.0015) and close(i8['max_abs_diff'], 0.3), i8)
    check('compare delta vs the same run\'s reference', close(i8['delta_top1'], -0.05), i8['delta_top1'])
    check('compare reference: drift null', ref['agreement_top1'] is None and ref['mse'] is None and
          ref['max_abs_diff'] is None and ref['is_reference'] is True and close(ref['delta_top1'], 0.0), ref)
    check('compare no labels: top1 and delta null', dyn['top1'] is None and dyn['top5'] is None and
          dyn['delta_top1'] is None and close(dyn['agreement_top1'], 0.97), dyn)
    check('compare throttled', i8['throttled'] is True and ref['throttled'] is False and dyn['throttled'] is None,
          [r['throttled'] for r in rows])
    check('compare device in json', {r['device'] for r in rows} == {'pi5-lab-1'}, rows)

    # Filters select runs; the reference stays the run's own even when --variant hides it.
    r = compare_json('--db', a, '--variant', 'int8', '--device', 'pi5-lab-1')
    check('compare --variant keeps the delta', isinstance(r, list) and [x['measurement_id'] for x in r] == [5] and
          close(r[0]['delta_top1'], -0.05), r)
    r = compare_json('--db', a, '--since', '2024-04-30')
    check('compare --since: newest of each key among the selected runs',
          isinstance(r, list) and [x['measurement_id'] for x in r] == [4, 6, 5], r)
    r = compare_json('--db', a, '--last', '1')
    check('compare --last 1: the newest run has no measurements', r == [], r)
    r = compare_json('--db', a, '--model', 'mobilenet-v2', '--last', '1')
    check('compare --model --last 1', isinstance(r, list) and [x['measurement_id'] for x in r] == [4, 6, 5], r)
    r = compare_json('--db', a, '--since', '2030-01-01')
    check('compare --since after every run: nothing (not every run)', r == [], r)
    r = compare_json('--db', a, '--device', 'nobody')
    check('compare --device matching no run: nothing', r == [], r)
    r = compare_json('--db', a, '--model', 'other')
    check('compare no match is an empty array', r == [], r)

    p = run('compare', '--db', a)
    check('compare table exit 0', p.returncode == 0, p.stderr)
    ok, why = aligned(p.stdout)
    check('compare table aligned', ok, why + '\n' + p.stdout)
    check('compare table fits 120 columns', max(len(l) for l in p.stdout.splitlines()) <= 120, p.stdout)
    if ok:
        header, trows = table_cells(p.stdout)
        check('compare table has no device column for one database', 'device' not in header, header)
        want = ['model', 'variant', 'engine', 'thr', 'size kB', 'x', 'p50 ms', 'p90 ms', 'p99 ms', 'peak MiB',
                'model MiB', 'top1 %', 'vs ref pts', 'agree %', 'MSE', 'max diff', 'throttled']
        check('compare table columns', header == want, header)
        if header == want and len(trows) == 3:
            t_ref, t_dyn, t_i8 = trows
            check('compare table int8 row', t_i8 == ['mobilenet-v2', 'int8', 'ref', '1', '3500.0', '4.00', '39.00',
                                                      '40.00', '42.50', '3.5', '1.50', '69.00', '-5.00', '93.00',
                                                      '0.0015', '0.3', 'yes'], t_i8)
            check('compare table reference row', t_ref[1] == 'float32' and t_ref[9:11] == ['17.0', '15.00'] and
                  t_ref[11] == '74.00' and t_ref[12] == 'ref' and t_ref[13] == '-' and t_ref[14] == '-' and
                  t_ref[16] == 'no', t_ref)
            check('compare table nulls are -', t_dyn[11] == '-' and t_dyn[12] == '-' and t_dyn[16] == '-' and
                  t_dyn[13] == '97.00' and t_dyn[10] == '4.00', t_dyn)

    p = run('compare', '--db', a, '--format', 'csv')
    recs = list(csv.DictReader(io.StringIO(p.stdout, newline=''))) if p.returncode == 0 else []
    check('compare csv rows', [r['measurement_id'] for r in recs] == ['4', '6', '5'], p.stdout + p.stderr)
    if len(recs) == 3:
        check('compare csv values', recs[2]['top1'] == '0.69' and recs[2]['delta_top1'] == '-0.05' and
              recs[2]['size_bytes'] == '3500000' and recs[2]['p50_ms'] == '39' and
              recs[2]['peak_rss_bytes'] == str(int(INT8_PEAK)) and
              recs[2]['model_memory_bytes'] == str(int(INT8_MODEL)), recs[2])
        check('compare csv memory columns side by side',
              list(recs[0])[12:14] == ['peak_rss_bytes', 'model_memory_bytes'], list(recs[0]))
        check('compare csv nulls empty', recs[1]['top1'] == '' and recs[1]['delta_top1'] == '' and
              recs[0]['agreement_top1'] == '', recs[:2])

    # Fleet: one database per device.
    rows = compare_json('--db', a, '--db', b)
    check('fleet compare rows', isinstance(rows, list) and len(rows) == 5, rows)
    if isinstance(rows, list) and len(rows) == 5:
        check('fleet compare order: reference first, then variant, then device',
              [(r['variant'], r['device']) for r in rows] ==
              [('float32', 'pi4-lab-7'), ('float32', 'pi5-lab-1'), ('dynamic', 'pi5-lab-1'), ('int8', 'pi4-lab-7'),
               ('int8', 'pi5-lab-1')], [(r['variant'], r['device']) for r in rows])
        check('fleet delta per database', close(rows[3]['delta_top1'], -0.01) and close(rows[4]['delta_top1'], -0.05),
              [r['delta_top1'] for r in rows])
        # pi4-lab-7's rows were stored before the worker (schema 1): their peak is edgebench's own, and they
        # have no model figure: null, not 0.
        check('fleet: a pre-migration row has model memory null, its peak kept',
              [(r['peak_rss_bytes'], r['model_memory_bytes']) for r in rows] ==
              [(60 * MIB, None), (17 * MIB, 15 * MIB), (6 * MIB, 4 * MIB), (20 * MIB, None), (INT8_PEAK, INT8_MODEL)],
              [(r['peak_rss_bytes'], r['model_memory_bytes']) for r in rows])
    p = run('compare', '--db', a, '--db', b)
    ok, why = aligned(p.stdout) if p.returncode == 0 else (False, p.stderr)
    check('fleet table aligned', ok, why + '\n' + p.stdout)
    if ok:
        header, trows = table_cells(p.stdout)
        check('fleet table device column', header[0] == 'device' and [r[0] for r in trows] ==
              ['pi4-lab-7', 'pi5-lab-1', 'pi5-lab-1', 'pi4-lab-7', 'pi5-lab-1'], p.stdout)
        check('fleet table memory: - where not measured', header[10:12] == ['peak MiB', 'model MiB'] and
              [r[10:12] for r in trows] == [['60.0', '-'], ['17.0', '15.00'], ['6.0', '4.00'], ['20.0', '-'],
                                            ['3.5', '1.50']], [r[10:12] for r in trows])
    p = run('compare', '--db', a, '--db', b, '--format', 'markdown')
    mrows = markdown_rows(p.stdout) if p.returncode == 0 else None
    check('fleet markdown', mrows is not None and len(mrows) == 7 and mrows[0][0] == 'device' and
          all(len(r) == 18 for r in mrows) and mrows[2][0] == 'pi4-lab-7', p.stdout + p.stderr)
    p = run('compare', '--db', a, '--db', b, '--format', 'csv')
    recs = list(csv.DictReader(io.StringIO(p.stdout, newline=''))) if p.returncode == 0 else []
    check('fleet csv devices', [r['device'] for r in recs] == ['pi4-lab-7', 'pi5-lab-1', 'pi5-lab-1', 'pi4-lab-7',
                                                               'pi5-lab-1'], p.stdout + p.stderr)
    check('fleet csv: model memory empty where not measured',
          [r['model_memory_bytes'] for r in recs] == ['', str(15 * MIB), str(4 * MIB), '', str(int(INT8_MODEL))],
          [r.get('model_memory_bytes') for r in recs])
    r = compare_json('--db', a, '--db', b, '--variant', 'int8', '--last', '1', '--model', 'mobilenet-v2')
    check('fleet with run filters', isinstance(r, list) and [(x['device'], x['measurement_id']) for x in r] ==
          [('pi4-lab-7', 2), ('pi5-lab-1', 5)], r)
    # Two databases from devices of the same name are told apart by their paths.
    a2 = os.path.join(os.path.dirname(a), 'copy-of-a.db')
    open(a2, 'wb').write(open(a, 'rb').read())
    r = compare_json('--db', a, '--db', a2, '--variant', 'int8')
    check('fleet same device name told apart', isinstance(r, list) and len(r) == 2 and
          sorted(x['device'] for x in r) == sorted(['pi5-lab-1 (%s)' % a, 'pi5-lab-1 (%s)' % a2]), r)


MEMORY_NAMES = ['peak_rss_bytes', 'model_memory_bytes', 'baseline_rss_bytes', 'load_rss_bytes', 'first_rss_bytes',
                'rss_increase_bytes', 'arena_bytes', 'scratch_bytes', 'minor_faults', 'major_faults', 'cpu_affinity',
                'cpu', 'cpu_freq_mhz']


def test_detection(tmp):
    """A detector's run (schema 3): mAP against labels and against the reference in compare's json, csv
    and table (whose detection columns appear only when a row has them), and in show."""
    path = os.path.join(tmp, 'detector.db')
    run1 = dict(id=1, status='complete', started_utc='2026-12-05T10:00:00.000Z', model_group='yolov8n',
                device_name='pi5-lab-1', hostname='raspberrypi')
    ref = dict(id=1, started_utc='2026-12-05T10:00:01.000Z', variant='float32', is_reference=1, det_images=500,
               map50=0.5212, map50_95=0.3701, det_precision=0.64, det_recall=0.55, **latency(80.0, 82.0, 85.0))
    q = dict(id=2, started_utc='2026-12-05T10:01:00.000Z', variant='int8', det_images=500, map50=0.5003,
             map50_95=0.3502, det_precision=0.62, det_recall=0.53, map50_vs_ref=0.91, map50_95_vs_ref=0.77,
             boxes_gained=12, boxes_lost=30, reference_boxes=2100, **latency(30.0, 31.0, 33.0))
    make_db(path, [(run1, [ref, q], LATEST)])
    rows = compare_json('--db', path)
    check('detection compare json', isinstance(rows, list) and len(rows) == 2, rows)
    if isinstance(rows, list) and len(rows) == 2:
        r, i8 = rows
        check('detection json names', all(set(x) == COMPARE_NAMES for x in rows), sorted(rows[0]))
        check('detection json figures', close(i8['map50'], 0.5003) and close(i8['map50_95'], 0.3502) and
              close(i8['map50_vs_ref'], 0.91) and close(i8['map50_95_vs_ref'], 0.77) and i8['boxes_gained'] == 12 and
              i8['boxes_lost'] == 30 and close(i8['det_precision'], 0.62) and i8['top1'] is None, i8)
        check('detection json reference', close(r['map50'], 0.5212) and r['map50_vs_ref'] is None and
              r['boxes_lost'] is None, r)
    p = run('compare', '--db', path)
    ok, why = aligned(p.stdout)
    check('detection compare table aligned', p.returncode == 0 and ok, why + p.stdout + p.stderr)
    if ok:
        header, trows = table_cells(p.stdout)
        want = ['mAP50 %', 'mAP 50-95 %', 'mAP50 vs ref %', 'mAP 50-95 vs ref %', 'boxes +', 'boxes -', 'throttled']
        check('detection table columns', header[-7:] == want, header)
        if header[-7:] == want and len(trows) == 2:
            check('detection table int8 row', trows[1][-7:-1] == ['50.03', '35.02', '91.00', '77.00', '12', '30'],
                  trows[1])
            check('detection table reference row', trows[0][-7:-1] == ['52.12', '37.01', 'ref', 'ref', '-', '-'],
                  trows[0])
    p = run('compare', '--db', path, '--format', 'csv')
    recs = list(csv.DictReader(io.StringIO(p.stdout, newline=''))) if p.returncode == 0 else []
    check('detection csv', len(recs) == 2 and recs[1]['map50_vs_ref'] == '0.91' and recs[1]['boxes_lost'] == '30' and
          recs[0]['boxes_lost'] == '', p.stdout + p.stderr)
    p = run('show', '1', '--db', path)
    check('detection show', p.returncode == 0 and 'mAP@0.5 50.03%' in p.stdout and '12 gained, 30 lost' in p.stdout,
          p.stdout + p.stderr)
    p = run('show', '1', '--db', path, '--format', 'json')
    try:
        shown = json.loads(p.stdout)
        ms = shown['measurements']
        check('detection show json', ms[1]['detection']['map50'] == 0.5003 and
              ms[1]['detection_vs_reference']['boxes_gained'] == 12 and ms[0]['detection_vs_reference'] is None, ms)
    except (ValueError, KeyError, IndexError, TypeError) as e:
        check('detection show json', False, '%s: %s' % (e, p.stdout[:500] + p.stderr))


def test_show(a):
    p = run('show', '1', '--db', a)
    check('show exit 0', p.returncode == 0, p.stderr)
    out = p.stdout
    for want in ['run 1: complete', 'mobilenet-v2', 'pi5-lab-1', 'Cortex-A76, 4 cores', 'neon-dotprod', 'performance',
                 '    models:\n      - mobilenet-v2\n    threads: 1\n', 'measurement 1: float32 (reference)',
                 'measurement 2: int8', 'measurement 3: float16', ERROR_M3, 'top-1 72.00%, top-5 91.00% on 100 images',
                 '-2.00 points vs the reference', 'top-1 agreement 95.00%', 'max diff 0.25', 'per-class accuracy:',
                 'CONV_2D', '75.0%', '2 samples, CPU 51.5-58.0 C, 1800-2400 MHz', '(3 samples)', '3 (1 failed)']:
        check('show text has %r' % want, want in out, out)
    check('show per-class lines', re.search(r'\n\s+0\s+cat\s+45 / 50\s+90\.00%\n', out) and
          re.search(r'\n\s+1\s+dog, "big"\s+27 / 50\s+54\.00%\n', out), out)
    # Run 1 was stored before the worker: its memory line says whose peak it is, with no model figure.
    check('show text: a pre-worker row says its peak was edgebench\'s own',
          '  memory MiB:   peak 60.00, increase 13.30 (edgebench\'s own process: stored before measurements ran '
          'in a worker)\n  engine MiB:   arena 1.43\n' in out, out)
    measurements = out[out.find('\nmeasurement 1:'):].replace('  model:', '')
    for absent in ['model ', 'baseline', 'scratch', 'page faults', 'pinned', 'MHz (its']:
        check('show text: no %r for a pre-worker run' % absent, absent not in measurements, measurements)
    p = run('show', '2', '--db', a)
    out = p.stdout
    check('show text: the worker\'s memory, buffers, faults and CPU',
          '  memory MiB:   model 1.50, peak 3.50, baseline 2.00, after load 3.00, after first inference 3.25\n'
          '  engine MiB:   arena 0.07, scratch 0.00\n'
          '  page faults:  12 minor, 0 major (during the timed inferences)\n'
          '  cpu:          CPU 3, pinned to 2-3, 1800 MHz (its median over the timed inferences)\n' in out, out)
    check('show text: only the figures stored',
          '  memory MiB:   model 15.00, peak 17.00, baseline 2.00\n'
          '  cpu:          2400 MHz (its median over the timed inferences)\n  throttled:' in out and
          '  memory MiB:   model 4.00, peak 6.00, baseline 2.00\n  throttled:' in out, out)
    p = run('show', '2', '--db', a, '--format', 'json')
    d = json.loads(p.stdout) if p.returncode == 0 else {}
    check('show json run', d.get('id') == 2 and d.get('status') == 'complete' and d.get('config_text') == '' and
          d.get('device', {}).get('name') == 'pi5-lab-1', d)
    ms = d.get('measurements', [])
    check('show json measurements', [m['id'] for m in ms] == [4, 5, 6], ms)
    if len(ms) == 3:
        check('show json reference: drift null, accuracy fractions', ms[0]['drift'] is None and
              close(ms[0]['accuracy']['top1'], 0.74), ms[0])
        check('show json no labels: accuracy null', ms[2]['accuracy'] is None and close(ms[2]['drift']['agreement_top1'], 0.97), ms[2])
        check('show json latency', ms[1]['latency_ms']['p99'] == 42.5 and ms[1]['throttled'] is True, ms[1])
        memory = {k: ms[1].get(k, 'missing') for k in MEMORY_NAMES}
        check('show json: the worker\'s figures', memory == dict(
            peak_rss_bytes=INT8_PEAK, model_memory_bytes=INT8_MODEL, baseline_rss_bytes=2 * MIB,
            load_rss_bytes=3 * MIB, first_rss_bytes=3.25 * MIB, rss_increase_bytes=None, arena_bytes=70000,
            scratch_bytes=0, minor_faults=12, major_faults=0, cpu_affinity='2-3', cpu=3, cpu_freq_mhz=1800.0), memory)
        check('show json: unmeasured figures null', ms[0]['cpu'] is None and ms[0]['cpu_affinity'] is None and
              ms[0]['cpu_freq_mhz'] == 2400.0 and ms[2]['scratch_bytes'] is None and ms[2]['minor_faults'] is None,
              ms[0])
    p = run('show', '1', '--db', a, '--format', 'json')
    d = json.loads(p.stdout) if p.returncode == 0 else {}
    m1 = d.get('measurements', [{}])[0]
    check('show json details', m1.get('samples_ms') == [99.0, 100.5, 98.25] and
          m1.get('accuracy', {}).get('per_class', [{}, {}])[1].get('label') == LABEL_1 and
          len(m1.get('accuracy', {}).get('confusion', [])) == 4 and len(m1.get('op_profile', [])) == 2 and
          m1.get('device_samples', [{}])[0].get('cpu_temp_c') == 51.5 and d.get('config_text') == CONFIG_1, d)
    memory = {k: m1.get(k, 'missing') for k in MEMORY_NAMES}
    want = dict.fromkeys(MEMORY_NAMES)
    want.update(peak_rss_bytes=60 * MIB, rss_increase_bytes=13946061, arena_bytes=1500000)
    check('show json: a pre-migration row has the new figures null, not 0', memory == want, memory)
    p = run('show', 'last', '--db', a, '--format', 'json')
    check('show last', p.returncode == 0 and json.loads(p.stdout)['id'] == 3, p.stdout + p.stderr)
    p = run('show', '99', '--db', a)
    check('show missing run: exit 1, one line', one_line_error(p, 1) and 'no such run' in p.stderr and a in p.stderr, p.stderr)


def test_export(a):
    p = run('export', '--db', a)
    check('export json by default', p.returncode == 0 and p.stdout.startswith('['), p.stdout[:200] + p.stderr)
    runs = json.loads(p.stdout) if p.returncode == 0 else []
    check('export every run, oldest first', [r['id'] for r in runs] == [1, 2, 3], [r.get('id') for r in runs])
    if len(runs) == 3:
        check('export measurements', [len(r['measurements']) for r in runs] == [3, 3, 0], runs)
        check('export details', runs[0]['measurements'][0]['samples_ms'] == [99.0, 100.5, 98.25] and
              runs[0]['measurements'][2]['error'] == ERROR_M3 and runs[0]['measurements'][2]['latency_ms'] is None and
              runs[2]['model_group'] == GROUP_3, runs[0]['measurements'][2])
    p = run('export', '--db', a, '--model', 'mobilenet-v2', '--last', '1')
    check('export with filters', p.returncode == 0 and [r['id'] for r in json.loads(p.stdout)] == [2], p.stdout + p.stderr)

    p = run('export', '--db', a, '--format', 'csv')
    check('export csv exit 0', p.returncode == 0, p.stderr)
    recs = list(csv.DictReader(io.StringIO(p.stdout, newline='')))
    check('export csv: a record per measurement, and one per run without any',
          [(r['run_id'], r['measurement_id']) for r in recs] == [('1', '1'), ('1', '2'), ('1', '3'), ('2', '4'),
                                                                 ('2', '5'), ('2', '6'), ('3', '')], recs)
    if len(recs) == 7:
        check('export csv quoting', recs[2]['error'] == ERROR_M3 and recs[6]['run_model_group'] == GROUP_3 and
              recs[6]['run_error'] == ERROR_3, recs[2])
        check('export csv fractions and nulls', recs[1]['top1'] == '0.7' and recs[1]['agreement_top1'] == '0.95' and
              recs[0]['agreement_top1'] == '' and recs[5]['top1'] == '' and recs[2]['latency_p50_ms'] == '' and
              recs[0]['samples'] == '3' and recs[1]['throttled'] == 'true', recs[1])
        check('export csv same columns in every record', all(None not in r for r in recs) and
              len({len(r) for r in recs}) == 1, recs)
        check('export csv memory columns', all(k in recs[0] for k in MEMORY_NAMES), list(recs[0]))
        check('export csv worker figures', [recs[4].get(k) for k in MEMORY_NAMES] ==
              [str(int(INT8_PEAK)), str(int(INT8_MODEL)), str(2 * MIB), str(3 * MIB), str(int(3.25 * MIB)), '',
               '70000', '0', '12', '0', '2-3', '3', '1800'], recs[4])
        check('export csv pre-migration row: new figures empty, not 0', [recs[0].get(k) for k in MEMORY_NAMES] ==
              [str(60 * MIB), '', '', '', '', '13946061', '1500000', '', '', '', '', '', ''], recs[0])
    check('export csv field quoting', '"cannot load ""w.tflite"": tensor 3, truncated"' in p.stdout, p.stdout)


def test_errors(a, tmp):
    for argv, code, needle, name in [
            (['list'], 2, 'list', 'unknown subcommand'),
            ([], 2, 'subcommand', 'no subcommand'),
            (['runs', '--db', a, '--bogus'], 2, '--bogus', 'unknown flag'),
            (['runs', '--db', a, '--since', 'yesterday'], 2, '--since', 'bad --since'),
            (['runs', '--db', a, '--since', '2024-02-30'], 2, '--since', 'impossible --since date'),
            (['runs', '--db', a, '--since', '2024-05-01Z'], 2, '--since', '--since zone without a time'),
            (['compare', '--db', a, '--since', '2024-05-01T25:00'], 2, '--since', 'bad --since hour'),
            (['runs', '--db', a, '--last', '0'], 2, '--last', '--last 0'),
            (['runs', '--db', a, '--last', 'abc'], 2, '--last', '--last abc'),
            (['export', '--db', a, '--last', '-1'], 2, '--last', '--last -1'),
            (['runs', '--db', a, '--last'], 2, '--last', '--last without a value'),
            (['runs', '--db', a, '--format', 'xml'], 2, '--format', 'bad --format'),
            (['export', '--db', a, '--format', 'table'], 2, '--format', 'export as table'),
            (['show', '1', '--db', a, '--format', 'csv'], 2, '--format', 'show as csv'),
            (['show', '--db', a], 2, 'RUN', 'show without RUN'),
            (['show', 'abc', '--db', a], 2, 'abc', 'show with a bad RUN'),
            (['show', '1', '--db', a, '--since', '2024-01-01'], 2, '--since', 'show with a run filter'),
            (['runs', 'extra', '--db', a], 2, 'extra', 'extra argument'),
            (['compare', '--db', a, '--db', a], 2, '--db', 'same --db twice')]:
        p = run(*argv)
        check('%s: exit %d, one line' % (name, code), one_line_error(p, code) and needle in p.stderr,
              'rc=%d %r %r' % (p.returncode, p.stderr, p.stdout[:200]))

    missing = os.path.join(tmp, 'nowhere', 'results.db')
    for sub in (['runs'], ['compare'], ['show', '1'], ['export']):
        p = run(*sub, '--db', missing)
        check('missing database (%s): exit 1, one line naming it' % sub[0], one_line_error(p, 1) and missing in p.stderr, p.stderr)
    p = run('compare', '--db', a, '--db', missing)
    check('fleet with a missing database names it', one_line_error(p, 1) and missing in p.stderr, p.stderr)
    check('missing database not created', not os.path.exists(os.path.dirname(missing)))
    other = os.path.join(tmp, 'other.db')
    db = sqlite3.connect(other)
    db.execute('CREATE TABLE t (x)')
    db.commit()
    db.close()
    p = run('runs', '--db', other)
    check('another application\'s database refused', one_line_error(p, 1) and other in p.stderr, p.stderr)
    notdb = os.path.join(tmp, 'notdb.db')
    open(notdb, 'w').write('hello, this is not a database at all' * 100)
    p = run('runs', '--db', notdb)
    check('a file that is not a database refused', one_line_error(p, 1) and notdb in p.stderr, p.stderr)

    # The default database: $XDG_DATA_HOME/edgebench/results.db.
    xdg = os.path.join(tmp, 'xdg')
    env = dict(os.environ, XDG_DATA_HOME=xdg)
    p = run('runs', env=env)
    want = os.path.join(xdg, 'edgebench', 'results.db')
    check('default database missing: names the path', one_line_error(p, 1) and want in p.stderr, p.stderr)
    os.makedirs(os.path.dirname(want))
    open(want, 'wb').write(open(a, 'rb').read())
    p = run('runs', '--format', 'json', env=env)
    check('default database used', p.returncode == 0 and [r['id'] for r in json.loads(p.stdout)] == [3, 2, 1],
          p.stdout + p.stderr)
    p = run('--help')
    check('query --help', p.returncode == 0 and 'compare' in p.stdout and 'export' in p.stdout, p.stderr)


def digest(path):
    return hashlib.sha256(open(path, 'rb').read()).hexdigest()


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument('--edgebench', required=True)
    ap.add_argument('--wrapper', default='')
    ARGS = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        a = os.path.join(tmp, 'pi5-lab-1.db')
        b = os.path.join(tmp, 'pi4-lab-7.db')
        for path, fixture in ((a, fixture_a()), (b, fixture_b())):
            check('fixture application_id set by the migration SQL', make_db(path, fixture) == APPLICATION_ID)
        before = (digest(a), digest(b))
        test_runs(a)
        test_compare(a, b)
        test_show(a)
        test_export(a)
        test_errors(a, tmp)
        test_detection(tmp)
        check('databases unchanged (opened read-only)', (digest(a), digest(b)) == before)
        check('no journal left behind', not os.path.exists(a + '-wal') or os.path.getsize(a + '-wal') == 0)
    failed = sum(1 for _, ok, _ in RESULTS if not ok)
    print('%d passed, %d failed' % (len(RESULTS) - failed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
