#!/usr/bin/python3
"""A camera that vanishes mid-run (issue #6): an HTTP MJPEG camera (mjpeg_camera.py) cuts its stream after
N frames and stops listening. The measurement that was reading it is recorded as failed, with an error
naming the stream and the N frames that got through (not stored as a complete measurement over fewer
frames); the next variant fails fast (the camera refuses connections); the run ends normally. Once with
`edgebench run --camera URL --frames 500`, once in `edgebench daemon`, which then carries on: a model
dropped afterwards into an image group is benchmarked, and SIGTERM stops it with exit 0. Prints 'N
passed, M failed'; exit 77 when ../shared or the Fashion-MNIST images are missing.

  test_camera_loss.py --edgebench PATH --make-video PATH --images-cache DIR [--shared ../shared]
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemon_harness as h  # noqa: E402
import mjpeg_camera  # noqa: E402
from daemon_harness import check  # noqa: E402

ARGS = None
VANISH_AFTER = 40  # frames the camera sends on the measuring connection before it is gone
FRAMES = 500       # the configured frame count: never reached


def measurements(db, run_id):
    """variant -> (error, number of latency samples stored)."""
    got = h.rows(db, 'select m.variant, m.error, (select count(*) from latency_samples s where s.measurement_id = m.id) '
                     'from measurements m where m.run_id = ?', (run_id,))
    return {v: (e, n) for v, e, n in got}


def check_camera_run(what, db, run_id, cam):
    """The run over the vanishing camera: the reference failed with the stream's error after VANISH_AFTER
    frames and nothing stored as measured, the dropped/second variant failed to open, the run complete."""
    status = h.rows(db, 'select status from runs where id = ?', (run_id,))
    check('%s: the run ends normally (complete, with failed measurements)' % what, status == [('complete',)], status)
    ms = measurements(db, run_id)
    ref_error, ref_samples = ms.get('float32', (None, None))
    check('%s: the measuring connection was cut after %d frames' % (what, VANISH_AFTER),
          cam.vanished.is_set() and VANISH_AFTER in cam.sent_per_connection, cam.sent_per_connection)
    check('%s: the measurement the camera vanished under is failed, its error names the stream and the frames read'
          % what, ref_error is not None and ('stream %s: read failed' % cam.url) in ref_error
          and ('after %d frames' % VANISH_AFTER) in ref_error, ms)
    check('%s: no latency stored for the failed measurement (not a complete one over fewer frames)' % what,
          ref_samples == 0, ms)
    int8_error = ms.get('int8', (None, None))[0]
    check('%s: the next variant fails to open the vanished camera' % what,
          int8_error is not None and cam.url in int8_error and 'cannot open' in int8_error, ms)
    return ref_error


def test_cli(d, jpegs):
    cam = mjpeg_camera.VanishingCamera(jpegs, VANISH_AFTER)
    db = os.path.join(d, 'cli.db')
    try:
        t0 = time.time()
        p = subprocess.run([ARGS.edgebench, 'run', h.MODELS['float32'], h.MODELS['int8'], '--camera', cam.url,
                            '--frames', str(FRAMES), '--engine', 'ref', '--db', db],
                           capture_output=True, text=True, timeout=h.scaled(120))
        t_end = time.time()
    finally:
        cam.close()
    after_cut = t_end - cam.vanished_at if cam.vanished_at else None
    print('edgebench run over the vanishing camera: rc %d in %.1f s (%s s after the cut), frames sent per connection %s'
          % (p.returncode, t_end - t0, after_cut and round(after_cut, 2), cam.sent_per_connection), flush=True)
    # Both measurements fail (the camera is gone): they are recorded and the run is stored, but a run
    # that measured nothing exits 1, saying so.
    check('run: exit 1, nothing measured (failed measurements are recorded, the run is stored)',
          p.returncode == 1 and 'no variant was measured' in p.stderr, p.stderr[-1500:])
    runs = h.try_rows(db, 'select id from runs') or []
    if not check('run: one run stored', len(runs) == 1, (runs, p.stderr[-1500:])):
        return
    ref_error = check_camera_run('run', db, runs[0][0], cam)
    check('run: the error is printed', ref_error is not None and ref_error in p.stderr, p.stderr[-1500:])
    check('run: the error is not reported as a skipped item', 'skipped item' not in p.stderr, p.stderr[-1500:])
    # The cut is seen at once (end of stream, not the 5 s read timeout) and the next variant's open is
    # refused at once: what follows the cut is one model load and two stored measurements.
    check('run: the vanished camera costs no timeout', after_cut is not None and after_cut < h.scaled(4.0), after_cut)


def test_daemon(d, images, jpegs):
    models = os.path.join(d, 'models')
    os.makedirs(os.path.join(models, 'cam'))
    os.makedirs(os.path.join(models, 'fmnist'))
    cfg = os.path.join(d, 'eb.yaml')
    db = os.path.join(d, 'state', 'results.db')
    cam = mjpeg_camera.VanishingCamera(jpegs, VANISH_AFTER)
    cam_group = ('  - name: cam\n'
                 '    source: {camera: "%s", frames: %d}\n'
                 '    engines: [ref]\n'
                 '    variants:\n'
                 '      - {path: %s, label: float32, reference: true}\n' % (cam.url, FRAMES, h.MODELS['float32']))
    h.write_config(cfg, images, models, limit=h.fewer(200, 20), debounce=0.2, extra_groups=cam_group)
    sock = h.NotifySocket(os.path.join(d, 'notify.sock'))
    daemon = h.Daemon(ARGS.edgebench, cfg, db, os.path.join(d, 'daemon.log'), notify=sock.path)
    rc = None
    try:
        if not check('daemon: READY=1', sock.wait_for('READY=1', timeout=30), daemon.text()[-1500:]):
            return
        # A model dropped into the camera group: the group runs over the camera, which vanishes.
        shutil.copy(h.MODELS['int8'], os.path.join(models, 'cam', '.int8.part'))
        os.rename(os.path.join(models, 'cam', '.int8.part'), os.path.join(models, 'cam', 'int8.tflite'))
        got = h.wait_rows(db, "select id, status from runs where model_group = 'cam'",
                          lambda r: len(r) >= 1 and r[0][1] != 'running', timeout=60)
        if not check('daemon: the camera group ran', got and got[0][1] != 'running', (got, daemon.text()[-1500:])):
            return
        ref_error = check_camera_run('daemon', db, got[0][0], cam)
        check('daemon: the error is logged', ref_error is not None and daemon.wait_log(ref_error, timeout=5),
              daemon.text()[-1500:])
        check('daemon: still running after the camera vanished', daemon.proc.poll() is None, daemon.text()[-1500:])
        # It carries on: a model dropped afterwards into an image group is benchmarked.
        shutil.copy(h.MODELS['int8'], os.path.join(models, 'fmnist', '.int8.part'))
        os.rename(os.path.join(models, 'fmnist', '.int8.part'), os.path.join(models, 'fmnist', 'int8.tflite'))
        after = h.wait_rows(db, "select r.status, m.error from runs r join measurements m on m.run_id = r.id "
                                "where r.model_group = 'fmnist' and m.variant = 'int8'",
                            lambda r: len(r) >= 1 and r[0][0] != 'running', timeout=60)
        check('daemon: a model dropped after the camera vanished is benchmarked', after == [('complete', None)],
              (after, daemon.text()[-1500:]))
        cam_runs = h.rows(db, "select count(*) from runs where model_group = 'cam'")
        check('daemon: the camera group is not retried in a loop', cam_runs == [(1,)], cam_runs)
    finally:
        if daemon.proc.poll() is None:
            rc, took = daemon.stop(timeout=20)
        else:
            rc = daemon.proc.returncode
            daemon.kill()
        sock.close()
        cam.close()
    check('daemon: SIGTERM afterwards: exit 0', rc == 0, (rc, daemon.text()[-1500:]))
    ok, detail = h.integrity_ok(db)
    check('daemon: integrity_check ok', ok, detail)


def main():
    global ARGS
    def add_arguments(ap):
        ap.add_argument('--make-video', required=True, help='tests/support/make_test_video binary')

    ARGS, images = h.start(add_arguments)
    if images is None:
        return h.SKIP
    with tempfile.TemporaryDirectory(prefix='ebcamloss_') as d:
        video = os.path.join(d, 'frames.avi')
        mk = subprocess.run([ARGS.make_video, video, '10', '64', '48'], capture_output=True, text=True)
        jpegs = mjpeg_camera.jpegs_from_avi(video) if mk.returncode == 0 else []
        if not check('JPEG frames for the camera', len(jpegs) == 10, (mk.returncode, mk.stderr, len(jpegs))):
            return h.summary()
        test_cli(h.fresh_dir(os.path.join(d, 'cli')), jpegs)
        test_daemon(h.fresh_dir(os.path.join(d, 'daemon')), images, jpegs)
    return h.summary()


if __name__ == '__main__':
    sys.exit(main())
