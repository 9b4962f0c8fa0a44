#!/usr/bin/python3
"""`edgebench run` as a user meets it: Fashion-MNIST accuracy as real TFLite reports it, a run killed
with SIGKILL leaves an intact database with the run marked incomplete, a variant that fails to load is
recorded and the others go on, a variant whose measuring worker crashes, hangs or passes --max-memory is
recorded with the cause and the others go on, a video file runs through the camera path, a missing
camera is a quick clear error. Prints 'N passed, M failed'.

  test_run.py --edgebench PATH --images-cache DIR [--shared ../shared] [--fault-worker PATH]
"""
import argparse
import re
import json
import io
import csv
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

ARGS = None
RESULTS = []
HERE = os.path.dirname(os.path.abspath(__file__))


def check(name, cond, detail=''):
    RESULTS.append((name, bool(cond)))
    if not cond:
        print('FAIL %s %s' % (name, detail))


def model(name):
    return os.path.join(ARGS.shared, 'models', name)


def run(*args, timeout=900, env=None):
    return subprocess.run([ARGS.edgebench, 'run'] + [str(a) for a in args], capture_output=True, text=True, timeout=timeout,
                          env=env)


def rows(db, sql):
    con = sqlite3.connect(db)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_fmnist_accuracy(images, d):
    # Real TFLite on all 10,000 test images: 90.60 % (float32), 90.59 % (int8), 99.44 % agreement.
    db = os.path.join(d, 'fmnist.db')
    # The Keras original beside its variants, where the Keras module is built (libhdf5): it holds the
    # float32 file's weights, so it scores what that scores.
    keras = os.path.exists(os.path.join(os.path.dirname(ARGS.edgebench), 'edgebench-keras.so'))
    extra = []
    if keras:  # named so that the variants keep their labels: float32, int8, keras
        extra = [os.path.join(d, 'fmnist-cnn-keras.h5')]
        shutil.copyfile(model('fmnist-cnn.h5'), extra[0])
    # (--reference: a Keras file given is otherwise the reference; here float32 stays it, as without one.)
    p = run(model('fmnist-cnn-float32.tflite'), model('fmnist-cnn-int8.tflite'), *extra, '--images', images, '--db', db,
            '--reference', model('fmnist-cnn-float32.tflite'))
    check('fmnist run exit 0', p.returncode == 0, p.stderr[-500:])
    if p.returncode != 0:
        return
    got = {v: (n, t1, ag) for v, n, t1, ag in rows(db, 'select variant, num_images, top1, agreement_top1 from measurements')}
    one = 1.0 / 10000 + 1e-9
    check('float32 on 10000 images', got['float32'][0] == 10000, str(got))
    check('float32 top-1 90.60% within one image', abs(got['float32'][1] - 0.9060) <= one, str(got))
    check('int8 top-1 90.59% within one image', abs(got['int8'][1] - 0.9059) <= one, str(got))
    check('agreement 99.44% within one image', abs(got['int8'][2] - 0.9944) <= one, str(got))
    check('reference has no drift', got['float32'][2] is None, str(got))
    (status,), = rows(db, 'select status from runs')
    check('run complete', status == 'complete', status)
    samples = rows(db, 'select count(*) from latency_samples')[0][0]
    check('every timed inference stored', samples == (3 if keras else 2) * 9999, str(samples))
    if keras:
        h5 = rows(db, "select top1, agreement_top1, mse, file_size_bytes from measurements where variant = 'keras'")
        check('the .h5 original: top-1 90.60%, agreement 100% and MSE ~0 against float32, its own file size',
              h5 and abs(h5[0][0] - 0.9060) <= one and h5[0][1] == 1.0 and h5[0][2] < 1e-10 and
              h5[0][3] == os.path.getsize(model('fmnist-cnn.h5')), str(h5))
        # Without --reference the Keras original is the reference, wherever it is in the list.
        db2 = os.path.join(d, 'keras-ref.db')
        p2 = run(model('fmnist-cnn-int8.tflite'), extra[0], '--images', images, '--limit', '20', '--db', db2)
        refs = rows(db2, 'select variant, is_reference from measurements order by variant') if p2.returncode == 0 else p2.stderr
        check('the Keras original is the default reference', refs == [('int8', 0), ('keras', 1)], str(refs))
    else:
        print('SKIPPED the .h5 original: no Keras module beside %s' % ARGS.edgebench)
    check('comparison table printed', 'float32' in p.stdout and 'int8' in p.stdout and '3.84' in p.stdout and '90.60' in p.stdout, p.stdout)


def test_kill_9(images, d):
    db = os.path.join(d, 'killed.db')
    proc = subprocess.Popen([ARGS.edgebench, 'run', model('fmnist-cnn-float32.tflite'), model('fmnist-cnn-int8.tflite'),
                             '--images', images, '--db', db], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    # Kill by progress, not by wall clock (a fast machine finishes both variants in a few seconds): once
    # the second variant has started, the first measurement is committed and the run is mid-way.
    killed_mid_run = False
    for line in proc.stderr:
        if line.startswith('benchmarking ') and '(2/2)' in line:
            proc.send_signal(signal.SIGKILL)
            killed_mid_run = True
            break
    proc.kill()
    proc.wait()
    proc.stderr.close()
    check('killed while the second variant ran', killed_mid_run)
    check('integrity after kill -9', rows(db, 'pragma integrity_check') == [('ok',)])
    (status,), = rows(db, 'select status from runs where id = 1')
    check('killed run not complete', status in ('running', 'interrupted'), status)
    done = rows(db, 'select variant from measurements where run_id = 1')
    check('first variant committed before the kill', [v for v, in done] == ['float32'], str(done))
    # Every stored measurement is whole: its samples are all there.
    for mid, n in rows(db, 'select id, num_images from measurements where run_id = 1'):
        s = rows(db, 'select count(*) from latency_samples where measurement_id = %d' % mid)[0][0]
        check('measurement %d stored whole' % mid, s == n - 1, '%d samples for %d images' % (s, n))
    # The next writer marks it interrupted and runs normally.
    p = run(model('fmnist-cnn-int8.tflite'), '--images', images, '--limit', '20', '--db', db)
    check('next run after a kill', p.returncode == 0, p.stderr[-300:])
    st = dict(rows(db, 'select id, status from runs'))
    check('killed run marked interrupted', st.get(1) == 'interrupted' and st.get(2) == 'complete', str(st))


def test_failed_variant_recorded(images, d):
    bad = os.path.join(d, 'broken-int8.tflite')
    data = open(model('fmnist-cnn-int8.tflite'), 'rb').read()
    open(bad, 'wb').write(data[:len(data) // 2])
    db = os.path.join(d, 'failed.db')
    p = run(model('fmnist-cnn-float32.tflite'), bad, '--images', images, '--limit', '30', '--db', db)
    check('run with a broken variant completes', p.returncode == 0, p.stderr[-300:])
    # Every variant failing stores the run but is not a success: exit 1, saying so.
    p = run(bad, '--images', images, '--limit', '5', '--db', os.path.join(d, 'all-failed.db'))
    check('a run with nothing measured exits 1', p.returncode == 1 and 'no variant was measured' in p.stderr, p.stderr)
    check('... and is stored', rows(os.path.join(d, 'all-failed.db'), 'select count(*) from measurements') == [(1,)])
    got = dict(rows(db, 'select variant, error from measurements'))
    check('broken variant recorded with its error', got.get('broken-int8') and 'broken-int8.tflite' in got['broken-int8'], str(got))
    check('good variant measured', 'fmnist-cnn-float32' in got and got['fmnist-cnn-float32'] is None, str(got))


def test_worker_faults(images, d):
    """Through the fault-injecting worker (tests/support/fault_worker.cc): the int8 variant's worker
    crashes, hangs or allocates past the limit; each time the run completes, the int8 measurement is
    stored as failed with the cause, and the float32 variant is measured."""
    if not ARGS.fault_worker:
        print('SKIPPED worker faults: no --fault-worker')
        return
    cases = [('segv', 'int8:segv:5', [], 'killed by signal 11 (SIGSEGV) during inference 5'),
             ('sigkill', 'int8:kill:2', [], 'killed by signal 9 (SIGKILL'),
             ('hang', 'int8:hang:3', ['--worker-timeout', '1'], 'no answer from the measuring worker within 1 s during inference 3'),
             ('memory', 'int8:alloc:4', ['--max-memory', '128'], 'exceeded --max-memory 128 MiB during inference 4')]
    for name, fault, flags, cause in cases:
        env = dict(os.environ, EDGEBENCH_WORKER=ARGS.fault_worker, EB_TEST_FAULT=fault)
        db = os.path.join(d, 'fault-%s.db' % name)
        t0 = time.monotonic()
        p = run(model('fmnist-cnn-float32.tflite'), model('fmnist-cnn-int8.tflite'), '--images', images, '--limit', '20',
                '--db', db, *flags, env=env, timeout=120)
        took = time.monotonic() - t0
        check('%s: run completes' % name, p.returncode == 0, p.stderr[-400:])
        got = dict(rows(db, 'select variant, error from measurements'))
        check('%s: the cause is stored' % name, cause in (got.get('int8') or ''), str(got))
        check('%s: the other variant is measured' % name, 'float32' in got and got['float32'] is None, str(got))
        check('%s: the run is complete' % name, rows(db, 'select status from runs') == [('complete',)])
        check('%s: within a minute' % name, took < 60, '%.1f s' % took)


def test_missing_image_module(images, d):
    """The image module (OpenCV) missing or not loadable: one line naming it and why, nothing measured."""
    fake = os.path.join(d, 'not-a-module.so')
    with open(fake, 'w') as f:
        f.write('x')
    for name, path, why in [('missing', os.path.join(d, 'nowhere.so'), 'no such file'), ('broken', fake, 'cannot load')]:
        db = os.path.join(d, 'module-%s.db' % name)
        p = run(model('fmnist-cnn-int8.tflite'), '--images', images, '--limit', '5', '--db', db,
                env=dict(os.environ, EDGEBENCH_IMAGE_MODULE=path), timeout=60)
        lines = p.stderr.strip().splitlines()
        check('image module %s: fails' % name, p.returncode != 0, p.stderr[-300:])
        check('image module %s: one line naming it' % name,
              len(lines) == 1 and 'image module' in lines[0] and path in lines[0] and why in lines[0], p.stderr[-300:])
        measured = rows(db, 'select count(*) from measurements')[0][0] if os.path.exists(db) else 0
        check('image module %s: nothing measured' % name, measured == 0, measured)


def test_dynamic_input_shape(d):
    # A model stored at [1, 1, 1, 3] with signature [-1, -1, -1, 3] (Keras input_shape=(None, None, 3)):
    # run gives it the first image's size before preparing, says so, and measures it; with a
    # configured resize it takes that size instead.
    dyn = os.path.join(HERE, '..', 'op_models', 'dynamic', 'mobilenet-like-any-size-float32.tflite')
    imgs = os.path.join(d, 'dyn-images')
    os.makedirs(imgs, exist_ok=True)
    for f in ('cat.bmp', 'bird.bmp'):
        open(os.path.join(imgs, f), 'wb').write(open(os.path.join(ARGS.shared, 'models', 'images', f), 'rb').read())
    db = os.path.join(d, 'dyn.db')
    p = run(dyn, '--images', imgs, '--db', db)
    check('dynamic-shape model runs', p.returncode == 0, p.stderr[-500:])
    check('dynamic shape is stated', 'dynamic dimensions [-1, -1, -1, 3]: measured at [1, ' in p.stderr and 'first image' in p.stderr, p.stderr)
    got = rows(db, 'select error, (select count(*) from latency_samples) from measurements')
    check('dynamic-shape model measured on every image', got == [(None, 1)], str(got))  # first + 1 timed
    cfg = os.path.join(d, 'dyn.yaml')
    open(cfg, 'w').write('groups:\n  - name: dyn\n    variants:\n      - path: %s\n    source:\n      images: %s\n'
                         '    preprocess:\n      resize: {width: 96, height: 80}\n' % (dyn, imgs))
    p = subprocess.run([ARGS.edgebench, 'run', '--config', cfg, '--db', db], capture_output=True, text=True, timeout=300)
    check('dynamic shape from the configured resize', p.returncode == 0 and 'measured at [1, 80, 96, 3]' in p.stderr
          and "resize 96x80" in p.stderr, p.stderr[-800:])


def test_missing_camera(d):
    t0 = time.time()
    p = run(model('fmnist-cnn-int8.tflite'), '--camera', '/dev/video99', '--db', os.path.join(d, 'cam.db'), timeout=60)
    took = time.time() - t0
    lines = [l for l in p.stderr.splitlines() if l.strip()]
    check('missing camera is a clear error', p.returncode == 1 and len(lines) == 1 and '/dev/video99' in p.stderr, p.stderr)
    check('missing camera fails fast', took < 10, '%.1f s' % took)
    p = run(model('fmnist-cnn-int8.tflite'), '--images', os.path.join(d, 'nowhere'), '--db', os.path.join(d, 'x.db'))
    check('missing image directory is a clear error', p.returncode == 1 and 'nowhere' in p.stderr, p.stderr)
    # Bad flag values are a bad command line: exit 2 and one line naming the flag, before any work (no
    # database is created).
    m = model('fmnist-cnn-int8.tflite')
    for flags, name in ((['--input-range', '1,0'], '--input-range'), (['--input-range', '0,inf'], '--input-range'),
                        (['--input-range', 'nan,1'], '--input-range'), (['--engine', 'auto,auto'], '--engine'),
                        (['--engine', 'warp'], '--engine'), (['--threads', '1,1'], '--threads'),
                        (['--threads', '0'], '--threads'), (['--limit', '-3'], '--limit'),
                        (['--worker-timeout', '0'], '--worker-timeout'), (['--cpu', '9999'], '--cpu'),
                        (['--task', 'segment'], '--task'), (['--detect-format', 'ssd'], '--detect-format'),
                        (['--task', 'detect', '--detect-format', 'yolov9'], '--detect-format'),
                        (['--task', 'detect', '--detect-labels', os.path.join(d, 'none.json')], '--detect-labels')):
        db = os.path.join(d, 'flags.db')
        p = run(m, '--images', d, '--db', db, *flags)
        lines = [l for l in p.stderr.splitlines() if l.strip()]
        check('bad %s: exit 2, one line' % ' '.join(flags), p.returncode == 2 and len(lines) == 1 and name in p.stderr,
              p.stderr)
        check('bad %s: nothing created' % ' '.join(flags), not os.path.exists(db))
    # --task detect on a model that is not a detector: the measurement fails with one line naming the
    # model and its output, and the run says nothing was measured (exit 1).
    db = os.path.join(d, 'detect.db')
    pics = os.path.join(d, 'detect-images')
    os.makedirs(pics, exist_ok=True)
    for k in range(3):
        with open(os.path.join(pics, '%d.pgm' % k), 'wb') as f:
            f.write(b'P5 28 28 255\n' + bytes((k * 40 + i) % 256 for i in range(28 * 28)))
    p = run(m, '--images', pics, '--db', db, '--task', 'detect')
    lines = [l for l in p.stderr.splitlines() if l.strip() and l.startswith('edgebench:')]
    check('--task detect on a classifier: the measurement fails naming its output, exit 1',
          p.returncode == 1 and any("not a detector's output" in l and m in l for l in lines), p.stderr)
    # A database path that is not a file: one line naming it, exit 1, and no hang on a FIFO.
    fifo = os.path.join(d, 'db.fifo')
    os.mkfifo(fifo)
    for what, path in (('a directory', d), ('a FIFO', fifo)):
        p = run(m, '--images', d, '--db', path, timeout=30)
        check('--db %s: a clear error' % what, p.returncode == 1 and path in p.stderr and 'not a database file' in p.stderr,
              p.stderr)


def test_camera_video_file(d):
    # A video file goes through the same capture path as a camera (OpenCV VideoCapture).
    if not ARGS.make_video:
        return
    video = os.path.join(d, 'clip.avi')
    mk = subprocess.run([ARGS.make_video, video, '12'], capture_output=True, text=True)
    check('test video written', mk.returncode == 0, mk.stderr)
    db = os.path.join(d, 'camera.db')
    p = run(model('fmnist-cnn-float32.tflite'), model('fmnist-cnn-int8.tflite'), '--camera', video, '--frames', '8', '--db', db)
    check('camera run on a video file', p.returncode == 0, p.stderr[-300:])
    got = rows(db, 'select variant, top1, agreement_top1, (select count(*) from latency_samples s where s.measurement_id = m.id) from measurements m order by id')
    check('camera frames measured, unlabelled', len(got) == 2 and all(r[1] is None and r[3] == 7 for r in got), str(got))
    check('camera drift vs reference', got[1][2] is not None, str(got))


def test_query_by_another_user(d):
    # The service's database in a directory the querying user cannot write (/var/lib/edgebench): a
    # read-only query must still work when no writer holds it open.
    if os.geteuid() != 0 or not os.path.exists('/usr/bin/setpriv'):
        return
    src = os.path.join(d, 'failed.db')
    ro = tempfile.mkdtemp(prefix='ebro_')
    try:
        dst = os.path.join(ro, 'results.db')
        with open(src, 'rb') as f, open(dst, 'wb') as g:
            g.write(f.read())
        os.chmod(ro, 0o755)
        os.chmod(dst, 0o644)
        p = subprocess.run(['/usr/bin/setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', ARGS.edgebench,
                            'query', 'compare', '--db', dst], capture_output=True, text=True, timeout=60)
        check('query by another user in a read-only directory', p.returncode == 0 and 'fmnist-cnn-float32' in p.stdout,
              p.stderr)
    finally:
        for f in os.listdir(ro):
            os.remove(os.path.join(ro, f))
        os.rmdir(ro)


def test_hostile_names(images, d):
    """Model file names with control characters, an escape sequence, invalid UTF-8, HTML, a newline and
    a spreadsheet formula: the run measures them and every output format made from the database stays
    valid -- strict UTF-8, no control character but line ends, JSON that parses, CSV whose cells start no
    formula, Markdown and HTML without live tags."""
    folder = os.path.join(d, 'hostile')
    os.makedirs(folder, exist_ok=True)
    names = [b'=HYPERLINK(\x01x)\xff<b>bold<i>\x1b[31m-int8\n.tflite', b'@sum\ttab \xc3\xa9t\xc3\xa9-float32.tflite']
    src = [model('fmnist-cnn-int8.tflite'), model('fmnist-cnn-float32.tflite')]
    paths = []
    for name, s in zip(names, src):
        path = os.path.join(os.fsencode(folder), name)
        with open(s, 'rb') as f, open(path, 'wb') as g:
            g.write(f.read())
        paths.append(path)
    db = os.path.join(folder, 'hostile.db')
    p = subprocess.run([os.fsencode(ARGS.edgebench), b'run'] + paths +
                       [b'--images', os.fsencode(images), b'--limit', b'20', b'--db', os.fsencode(db)],
                       capture_output=True, timeout=300)
    check('hostile names: run exit 0', p.returncode == 0, p.stderr[-400:])
    # Its progress and error lines on stderr name the files too: escaped like the stored names.
    try:
        err = p.stderr.decode('utf-8', errors='strict')
        bad = [c for c in err if (ord(c) < 0x20 and c not in '\n\r') or ord(c) == 0x7f]
        check('hostile names: run stderr has no control characters', not bad, repr(bad[:5]))
    except UnicodeDecodeError as e:
        check('hostile names: run stderr is valid UTF-8', False, str(e))
    outputs = {}
    for fmt in ('table', 'json', 'csv', 'markdown'):
        outputs['compare ' + fmt] = subprocess.run([ARGS.edgebench, 'query', 'compare', '--db', db, '--format', fmt],
                                                   capture_output=True, timeout=60)
    for fmt in ('json', 'csv'):
        outputs['export ' + fmt] = subprocess.run([ARGS.edgebench, 'query', 'export', '--db', db, '--format', fmt],
                                                  capture_output=True, timeout=60)
    outputs['show json'] = subprocess.run([ARGS.edgebench, 'query', 'show', 'last', '--db', db, '--format', 'json'],
                                          capture_output=True, timeout=60)
    page = os.path.join(folder, 'page.html')
    outputs['report'] = subprocess.run([ARGS.edgebench, 'report', '--html', page, '--db', db], capture_output=True,
                                       timeout=60)
    outputs['run stdout'] = p
    for what, r in outputs.items():
        data = r.stdout if what != 'report' else open(page, 'rb').read()
        check('hostile names: %s exit 0' % what, r.returncode == 0, r.stderr[-300:])
        try:
            text = data.decode('utf-8', errors='strict')
        except UnicodeDecodeError as e:
            check('hostile names: %s is valid UTF-8' % what, False, str(e))
            continue
        bad = [c for c in text if (ord(c) < 0x20 and c not in '\n\r\t' if what == 'report' else ord(c) < 0x20 and c not in '\n\r')
               or ord(c) == 0x7f]
        check('hostile names: %s has no control characters' % what, not bad, repr(bad[:5]))
        if what in ('compare json', 'export json', 'show json'):
            try:
                json.loads(text)
                ok = True
            except ValueError as e:
                ok = False
            check('hostile names: %s parses' % what, ok, text[:300])
        if what in ('compare csv', 'export csv'):
            cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
            formulas = [c for c in cells if c[:1] in ('=', '+', '@', '\t', '\r') or (c[:1] == '-' and not re.match(r'^-[0-9.eE+-]+$', c))]
            check('hostile names: %s starts no formula' % what, not formulas, repr(formulas[:3]))
            check('hostile names: %s keeps the escaped name' % what, any('\\x01' in c for c in cells), repr(cells[:20]))
        if what in ('compare markdown', 'report'):
            check('hostile names: %s has no live <b>' % what, '<b>bold' not in text, text[:300])
        check('hostile names: %s keeps valid UTF-8 names' % what, what == 'run stdout' or '\u00e9t\u00e9' in text or
              '\\u00e9' in text, text[:200])


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument('--edgebench', required=True)
    ap.add_argument('--images-cache', required=True)
    ap.add_argument('--make-video', default='', help='tests/support/make_test_video binary')
    ap.add_argument('--fault-worker', default='', help='tests/support/fault_worker binary')
    ap.add_argument('--shared', default=os.path.join(HERE, '..', '..', '..', 'shared'))
    ARGS = ap.parse_args()
    if not os.path.isdir(os.path.join(ARGS.shared, 'models')):
        print('SKIPPED: shared models not found at %s' % ARGS.shared)
        return 77
    script = os.path.join(HERE, '..', '..', 'scripts', 'make-fmnist-images.sh')
    mk = subprocess.run([script, ARGS.images_cache], capture_output=True, text=True)
    if mk.returncode != 0:
        print('SKIPPED: cannot make the Fashion-MNIST images (dataset-fashion-mnist missing?): %s' % mk.stderr[-300:])
        return 77
    with tempfile.TemporaryDirectory(prefix='ebrun_') as d:
        test_missing_camera(d)
        test_hostile_names(ARGS.images_cache, d)
        test_dynamic_input_shape(d)
        test_camera_video_file(d)
        test_failed_variant_recorded(ARGS.images_cache, d)
        test_worker_faults(ARGS.images_cache, d)
        test_missing_image_module(ARGS.images_cache, d)
        test_query_by_another_user(d)
        test_kill_9(ARGS.images_cache, d)
        test_fmnist_accuracy(ARGS.images_cache, d)
    failed = sum(1 for _, ok in RESULTS if not ok)
    print('%d passed, %d failed' % (len(RESULTS) - failed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
