#!/usr/bin/python3
"""`edgebench daemon` as systemd runs it, with a fake notify socket: READY, STATUS, WATCHDOG (idle and
during a run), a model copied slowly into the watched directory benchmarked exactly once and only once
fully written, `edgebench query` while the daemon writes, SIGHUP with a broken configuration (error with
line:col logged, the old configuration still served), a valid reload, SIGTERM mid-run (exit 0 within a
few seconds, run 'interrupted', database intact, STOPPING), and the interrupted model benchmarked after a
restart. Prints 'N passed, M failed'; exit 77 when ../shared or the Fashion-MNIST images are missing.

  test_daemon.py --edgebench PATH --images-cache DIR [--shared ../shared]
"""
import datetime
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemon_harness as h  # noqa: E402
from daemon_harness import check  # noqa: E402

ARGS = None


def utc_seconds(iso):
    return datetime.datetime.strptime(iso, '%Y-%m-%dT%H:%M:%S.%fZ').replace(tzinfo=datetime.timezone.utc).timestamp()


def runs_with_variant(db, variant, status=None):
    sql = ('select distinct r.id, r.status, r.started_utc, r.finished_utc from runs r join measurements m on m.run_id = r.id '
           'where m.variant = ?' + (' and r.status = ?' if status else '') + ' order by r.id')
    return h.try_rows(db, sql, (variant, status) if status else (variant,)) or []


def main():
    global ARGS
    ARGS, images = h.start()
    if images is None:
        return h.SKIP
    with tempfile.TemporaryDirectory(prefix='ebdaemon_') as d:
        run_all(d, images)
    return h.summary()


def run_all(d, images):
    models = os.path.join(d, 'models')
    os.makedirs(os.path.join(models, 'fmnist'))
    os.makedirs(os.path.join(d, 'prom'))
    cfg = os.path.join(d, 'eb.yaml')
    db = os.path.join(d, 'state', 'results.db')
    prom = os.path.join(d, 'prom', 'edgebench.prom')
    # Runs of seconds (to see WATCHDOG=1 and a query during one): 1500 images natively (~20 s for both
    # variants on the reference kernels), as many seconds' worth when sanitized.
    good = h.write_config(cfg, images, models, limit=h.fewer(1500, 50), prom=prom)
    sock = h.NotifySocket(os.path.join(d, 'notify.sock'))
    t_start = time.time()
    daemon = h.Daemon(ARGS.edgebench, cfg, db, os.path.join(d, 'daemon.log'), notify=sock.path, watchdog_usec=2000000)
    try:
        # READY only once the configuration is valid and the database open.
        ready = sock.wait_for('READY=1', timeout=30)
        if not check('READY=1 sent', ready, daemon.text()):
            return
        check('database exists at READY', os.path.isfile(db))
        # A second daemon on the same database stops at start with one line naming it and the holder.
        second = h.Daemon(ARGS.edgebench, cfg, db, os.path.join(d, 'daemon2.log'), extra_args=['--log', 'stderr'])
        try:
            rc2 = second.proc.wait(h.scaled(30))
        except subprocess.TimeoutExpired:
            second.proc.kill()
            rc2 = second.proc.wait()
        check('a second daemon on the same database exits 1',
              rc2 == 1 and 'another edgebench daemon (pid %d) already uses the database %s' % (daemon.proc.pid, db) in second.text(),
              (rc2, second.text()[-800:]))
        check('the first daemon carries on', daemon.proc.poll() is None, daemon.text()[-800:])
        check('STATUS sent', sock.lines('STATUS='), sock.lines())
        time.sleep(2.6)
        idle_pings = sock.lines('WATCHDOG=1', since=ready[0])
        check('WATCHDOG=1 repeated while idle (2 s interval)', len(idle_pings) >= 2, idle_pings)

        # A model copied slowly, in 4 KiB chunks: not read before it is complete, then benchmarked once.
        int8 = os.path.join(models, 'fmnist', 'int8.tflite')
        copy_end = h.slow_copy(h.MODELS['int8'], int8)
        check('no run started while the model was being copied', not runs_with_variant(db, 'int8'),
              runs_with_variant(db, 'int8'))
        queried = None
        deadline = time.time() + h.scaled(240)
        while time.time() < deadline:
            got = runs_with_variant(db, 'int8')
            running = h.try_rows(db, "select id from runs where status = 'running'")
            if running and queried is None:
                # A reader while the daemon writes (WAL).
                queried = subprocess.run([ARGS.edgebench, 'query', 'runs', '--db', db], capture_output=True, text=True,
                                         timeout=h.scaled(30))
            if got and got[-1][1] != 'running':
                break
            time.sleep(0.1)
        got = runs_with_variant(db, 'int8')
        check('the dropped model was benchmarked', got and got[-1][1] == 'complete', (got, daemon.text()[-2000:]))
        if not got:
            return
        check('edgebench query runs works during the run',
              queried is not None and queried.returncode == 0 and 'fmnist' in queried.stdout,
              queried and (queried.returncode, queried.stdout, queried.stderr))
        run_start, run_end = utc_seconds(got[0][2]), utc_seconds(got[0][3])
        check('the run started after the copy finished', run_start >= copy_end - 0.05, (run_start, copy_end))
        size = os.path.getsize(h.MODELS['int8'])
        sizes = h.rows(db, "select file_size_bytes, error from measurements where variant = 'int8'")
        check('the whole file was measured', sizes == [(size, None)], sizes)
        during = [t for t, _ in sock.lines('WATCHDOG=1') if run_start <= t <= run_end]
        check('WATCHDOG=1 sent during the run', len(during) >= 1, (run_end - run_start, during))
        check('STATUS says what is benchmarked', sock.wait_for('STATUS=benchmarking fmnist', timeout=1),
              [m for _, m in sock.lines('STATUS=')][:20])
        log = daemon.text()
        run_id = got[0][0]
        check('the run id is in the log lines of the run', log.count('run %d: ' % run_id) >= 3, log[-2000:])
        # Same file again: touched (new mtime, same bytes) -> not benchmarked twice.
        os.utime(int8)
        time.sleep(2.0)
        check('exactly one run for the dropped model', len(runs_with_variant(db, 'int8')) == 1, runs_with_variant(db, 'int8'))
        check('a touched but unchanged model is not benchmarked again', 'touched but unchanged' in daemon.text(),
              daemon.text()[-1500:])
        try:
            with open(prom) as f:
                text = f.read()
        except OSError as e:
            text = str(e)
        check('exporter file written with the new variant',
              'edgebench_latency_p50_seconds{' in text and 'variant="int8"' in text and '# TYPE' in text, text[:800])

        # SIGHUP with a broken configuration: error with line:col logged, the old configuration served.
        broken = good.replace('watch_debounce_s: 0.5', 'watch_debounce_s: fast')
        lines = broken.split('\n')
        line_no = next(i for i, l in enumerate(lines) if 'fast' in l) + 1
        col = lines[line_no - 1].index('fast') + 1
        with open(cfg, 'w') as f:
            f.write(broken)
        t_hup = time.time()
        daemon.signal(signal.SIGHUP)
        reloading = sock.wait_for('RELOADING=1', since=t_hup, timeout=10)
        check('RELOADING=1 on SIGHUP', reloading, sock.lines(since=t_hup))
        check('READY=1 after the reload', reloading and sock.wait_for('READY=1', since=reloading[0], timeout=10),
              sock.lines(since=t_hup))
        where = '%s:%d:%d: service.watch_debounce_s' % (cfg, line_no, col)
        check('the config error is logged with line:col', daemon.wait_log(where, timeout=10), daemon.text()[-1500:])
        check('the old configuration stays in force', 'keeping the previous configuration' in daemon.text())
        tmp = os.path.join(models, 'fmnist', '.f32b.tflite.part')
        shutil.copy(h.MODELS['float32'], tmp)
        os.rename(tmp, os.path.join(models, 'fmnist', 'f32b.tflite'))
        got = h.wait_rows(db, "select count(*) from measurements m join runs r on r.id = m.run_id "
                              "where m.variant = 'f32b' and r.status = 'complete'", lambda r: r[0][0] >= 1, timeout=60)
        check('a drop after the broken reload is still benchmarked', got and got[0][0] == 1, (got, daemon.text()[-1500:]))
        check('the daemon is still running', daemon.proc.poll() is None)

        # A valid reload: more images per run, so the next run is long enough to interrupt.
        h.write_config(cfg, images, models, limit=h.fewer(10000, 1000), prom=prom)
        t_hup = time.time()
        daemon.signal(signal.SIGHUP)
        check('a valid configuration is reloaded', daemon.wait_log('configuration reloaded', timeout=10),
              daemon.text()[-1000:])

        # SIGTERM mid-run: exit 0 within a few seconds, the run marked interrupted, the database intact.
        tmp = os.path.join(models, 'fmnist', '.int8b.part')
        shutil.copy(h.MODELS['int8'], tmp)
        os.rename(tmp, os.path.join(models, 'fmnist', 'int8b.tflite'))
        started = h.wait_rows(db, "select id from runs where status = 'running'", lambda r: len(r) >= 1, timeout=30)
        check('a long run started', started, daemon.text()[-1000:])
        time.sleep(1.5)
        t_term = time.time()
        rc, took = daemon.stop(timeout=20)
        check('SIGTERM mid-run: exit 0', rc == 0, (rc, daemon.text()[-1500:]))
        # Sanitized builds take longer to exit (LeakSanitizer's scan at exit): the bound scales too.
        check('SIGTERM mid-run: stopped within 5 s', took < h.scaled(5.0), took)
        check('STOPPING=1 sent', sock.wait_for('STOPPING=1', since=t_term, timeout=2), sock.lines(since=t_term))
        if started:
            status = h.rows(db, 'select status from runs where id = ?', (started[0][0],))
            check('the run is marked interrupted', status == [('interrupted',)], status)
        ok, detail = h.integrity_ok(db)
        check('PRAGMA integrity_check ok after SIGTERM', ok, detail)
        check('no run left running', h.rows(db, "select count(*) from runs where status = 'running'") == [(0,)])

        # Restart: the interrupted model is benchmarked (nothing else again), then --once exits.
        h.write_config(cfg, images, models, limit=100, prom=prom)
        again = h.Daemon(ARGS.edgebench, cfg, db, os.path.join(d, 'daemon2.log'), extra_args=['--once'])
        rc = again.wait(120)
        check('daemon --once after a restart exits 0', rc == 0, (rc, again.text()[-1500:]))
        check('the interrupted model is benchmarked after the restart', runs_with_variant(db, 'int8b', 'complete'),
              again.text()[-1500:])
        check('models already benchmarked are not run again', len(runs_with_variant(db, 'int8')) == 1 and
              len(runs_with_variant(db, 'f32b')) == 1, (runs_with_variant(db, 'int8'), runs_with_variant(db, 'f32b')))
    finally:
        daemon.kill() if daemon.proc.poll() is None else None
        sock.close()
        _ = t_start


if __name__ == '__main__':
    sys.exit(main())
