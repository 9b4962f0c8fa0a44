#!/usr/bin/python3
"""Faults the daemon meets on a device (issue #6): power loss (SIGKILL 50 times, at random points and
at timed ones mid-run and after a run: the database passes integrity_check each time, no run is
reported complete that was not, the daemon resumes on restart), a model replaced while it is being
benchmarked, a model that fails to load, a variant whose measuring worker crashes (the run and the
daemon go on), a full disk (RLIMIT_FSIZE: a clear error, earlier results intact). Prints 'N passed,
M failed'; exit 77 when ../shared or the Fashion-MNIST images are missing.

  test_faults.py --edgebench PATH --images-cache DIR [--shared ../shared] [--kills 50] [--seed N]
                 [--fault-worker PATH]
"""
import os
import random
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemon_harness as h  # noqa: E402
from daemon_harness import check  # noqa: E402

ARGS = None
# Short runs, so that some complete between kills: 30 images natively (~0.5 s for both variants), 10 in a
# sanitized build (~3 s there, after a start-up of ~0.8 s).
IMAGES_PER_RUN = h.fewer(30, 10)


def drop(models, name, src):
    """An atomic drop (copy to a hidden name, rename), so timing depends on the daemon only."""
    tmp = os.path.join(os.path.dirname(os.path.join(models, name)), '.%s.part' % os.path.basename(name))
    shutil.copy(src, tmp)
    os.rename(tmp, os.path.join(models, name))


def complete_runs_are_whole(db):
    """Every run marked complete has its reference and its other variants, each fully measured."""
    bad = []
    for (run_id,) in h.rows(db, "select id from runs where status = 'complete'"):
        ms = h.rows(db, 'select m.id, m.variant, m.error, (select count(*) from latency_samples s where s.measurement_id = m.id) '
                        'from measurements m where m.run_id = ?', (run_id,))
        variants = [m[1] for m in ms]
        if 'float32' not in variants or len(ms) < 2:
            bad.append((run_id, 'variants', variants))
        for mid, variant, error, samples in ms:
            if error is None and samples != IMAGES_PER_RUN - 1:
                bad.append((run_id, variant, 'samples', samples))
        finished = h.rows(db, 'select finished_utc from runs where id = ?', (run_id,))
        if finished[0][0] is None:
            bad.append((run_id, 'no finish time'))
    return bad


def seen_size(state_dir, name):
    """The size of `name` when a run of it last completed, from the daemon's record of benchmarked drops
    (results.dropped-models: "size<TAB>mtime_ns<TAB>hash<TAB>path" per line); None when never."""
    try:
        with open(os.path.join(state_dir, 'results.dropped-models')) as f:
            for line in f:
                fields = line.rstrip('\n').split('\t', 3)
                if len(fields) == 4 and fields[3].endswith('/' + name):
                    return int(fields[0])
    except OSError:
        pass
    return None


FINISHED = ('complete', 'failed', 'interrupted')


def wait_run(db, after_id, statuses, timeout):
    """Polls (every 5 ms) for the first run newer than after_id to read one of statuses, or to have
    finished, whichever comes first; returns the status it read, or None at the (scaled) timeout."""
    deadline = time.time() + h.scaled(timeout)
    while time.time() < deadline:
        r = h.try_rows(db, 'select status from runs where id > ? order by id limit 1', (after_id,)) if os.path.exists(db) else None
        if r and (r[0][0] in statuses or r[0][0] in FINISHED):
            return r[0][0]
        time.sleep(0.005)
    return None


def last_run_id(db):
    r = h.try_rows(db, 'select coalesce(max(id), 0) from runs') if os.path.exists(db) else None
    return r[0][0] if r else 0


def test_sigkill_loop(d, images):
    models = h.fresh_dir(os.path.join(d, 'kill', 'models'))
    os.makedirs(os.path.join(models, 'fmnist'))
    cfg = os.path.join(d, 'kill', 'eb.yaml')
    db = os.path.join(d, 'kill', 'state', 'results.db')
    h.write_config(cfg, images, models, limit=IMAGES_PER_RUN, debounce=0.1)
    rng = random.Random(ARGS.seed)
    # Every start has one changed model to benchmark (plus the reference): the dropped file alternates
    # between two contents, and the one dropped is always the one not recorded as benchmarked, so a start
    # after a kill mid-run does not find its content already measured.
    contents = [h.MODELS['int8'], h.MODELS['float32']]
    sizes = [os.path.getsize(c) for c in contents]
    # Where a kill lands, by turns, after a first start that is let finish its run and timed:
    #  - 'any': a point drawn from equal slices of a window 1.5x that first start's time to a complete
    #    run, so start-up, the run and the idle time after it are all hit whatever the seed;
    #  - 'mid': a random point in the first half of the run, once its row reads 'running';
    #  - 'after': within 0.1 s of the run reading 'complete' (the daemon idles, watching).
    # The timed modes are why the two checks after the loop hold on any machine and under any load:
    # fixed time points once missed every run when a sanitized run got faster than assumed.
    modes = ['after'] + [('any', 'mid', 'any', 'after')[i % 4] for i in range(ARGS.kills - 1)]
    n_any = modes.count('any')
    slices = list(range(n_any))
    rng.shuffle(slices)
    t0 = time.time()
    failures = []
    run_start = run_done = None
    dropped = None
    for i, mode in enumerate(modes):
        seen = seen_size(os.path.dirname(db), 'v.tflite')
        dropped = contents[1] if seen == sizes[0] else contents[0]
        drop(models, 'fmnist/v.tflite', dropped)
        after_id = last_run_id(db)
        started = time.time()
        daemon = h.Daemon(ARGS.edgebench, cfg, db, os.path.join(d, 'kill', 'daemon.log'))
        if mode == 'any':
            window = 1.5 * run_done
            time.sleep(0.05 + (window - 0.05) * (slices.pop() + rng.random()) / n_any)
        elif mode == 'mid':
            if wait_run(db, after_id, ('running',), 60) is None:
                failures.append((i, mode, 'no run started'))
            time.sleep(rng.uniform(0, 0.5 * (run_done - run_start)))
        else:
            if run_start is None and wait_run(db, after_id, ('running',), 60) == 'running':
                run_start = time.time() - started
            status = wait_run(db, after_id, (), 120)
            if status != 'complete':
                failures.append((i, mode, 'the run did not complete: %s' % status))
            if run_done is None:
                run_done = max(time.time() - started, 0.1)
                print('first start: its run began after %.2f s and was complete after %.2f s' % (run_start or 0, run_done), flush=True)
                run_start = min(run_start or 0, run_done)
            time.sleep(rng.uniform(0, 0.1))
        daemon.kill()
        ok, detail = h.integrity_ok(db) if os.path.exists(db) else (True, 'no db yet')
        if not ok:
            failures.append((i, 'integrity', detail))
        if os.path.exists(db):
            bad = complete_runs_are_whole(db)
            if bad:
                failures.append((i, 'incomplete run reported complete', bad))
    check('SIGKILL x%d: integrity_check ok and no run complete that was not' % ARGS.kills, not failures, failures[:5])
    runs = dict(h.rows(db, 'select status, count(*) from runs group by status'))
    print('after %d kills (%.0f s): runs %s' % (ARGS.kills, time.time() - t0, runs), flush=True)
    check('SIGKILL loop: some runs were killed mid-way', runs.get('interrupted', 0) + runs.get('running', 0) > 0, runs)
    check('SIGKILL loop: some runs completed between kills', runs.get('complete', 0) > 0, runs)
    # Restart: stale runs are marked interrupted, and the last dropped version ends up in a complete run.
    daemon = h.Daemon(ARGS.edgebench, cfg, db, os.path.join(d, 'kill', 'daemon-final.log'), extra_args=['--once'])
    rc = daemon.wait(300)
    check('SIGKILL loop: the daemon resumes on restart (--once exits 0)', rc == 0, (rc, daemon.text()[-1500:]))
    check('SIGKILL loop: no run left running', h.rows(db, "select count(*) from runs where status = 'running'") == [(0,)],
          h.rows(db, 'select id, status from runs'))
    # The last version dropped has a complete run: after the restart, or earlier when the same bytes
    # were already benchmarked (then the restart rightly skips them). The two contents differ in size.
    size = os.path.getsize(dropped)
    last = h.rows(db, "select count(*) from measurements m join runs r on r.id = m.run_id where r.status = 'complete' "
                      "and m.variant = 'v' and m.error is null and m.file_size_bytes = ?", (size,))
    check('SIGKILL loop: the last dropped version is benchmarked (after the restart at the latest)', last[0][0] >= 1,
          (last, size, daemon.text()[-1500:]))
    ok, detail = h.integrity_ok(db)
    check('SIGKILL loop: integrity_check ok at the end', ok, detail)
    check('SIGKILL loop: complete runs whole at the end', not complete_runs_are_whole(db), complete_runs_are_whole(db))


def test_replaced_and_broken_models(d, images):
    models = h.fresh_dir(os.path.join(d, 'replace', 'models'))
    os.makedirs(os.path.join(models, 'fmnist'))
    cfg = os.path.join(d, 'replace', 'eb.yaml')
    db = os.path.join(d, 'replace', 'state', 'results.db')
    # The dropped variant must still be measuring when it is overwritten, 0.2 s after the reference is
    # stored: 2000 images (~12 s natively), as many seconds' worth when sanitized.
    h.write_config(cfg, images, models, limit=h.fewer(2000, 100), debounce=0.2)
    daemon = h.Daemon(ARGS.edgebench, cfg, db, os.path.join(d, 'replace', 'daemon.log'))
    try:
        target = os.path.join(models, 'fmnist', 'int8.tflite')
        drop(models, 'fmnist/int8.tflite', h.MODELS['int8'])
        # Once the dropped variant is being measured, overwrite it in place with garbage behind a TFLite
        # identifier (truncate + write): it passes the drop check and fails to load.
        got = h.wait_rows(db, "select count(*) from measurements where variant = 'float32'", lambda r: r[0][0] >= 1,
                          timeout=120)
        time.sleep(0.2)
        with open(target, 'r+b') as f:
            f.truncate(0)
            f.write(b'\x1c\0\0\0TFL3' + b'this is not a flatbuffer' * 100)
        check('replaced mid-run: the daemon survives', daemon.proc.poll() is None, daemon.text()[-1500:])
        first = h.wait_rows(db, "select r.status, m.error from runs r join measurements m on m.run_id = r.id "
                                "where m.variant = 'int8' order by r.id", lambda r: len(r) >= 1 and r[0][0] != 'running',
                            timeout=120)
        check('replaced mid-run: the run measured the bytes it started with', first and first[0] == ('complete', None),
              (got, first, daemon.text()[-1500:]))
        # The replacement is a new version: benchmarked again, recorded as failed, the daemon carries on.
        second = h.wait_rows(db, "select r.status, m.error from runs r join measurements m on m.run_id = r.id "
                                 "where m.variant = 'int8' order by r.id", lambda r: len(r) >= 2 and r[1][0] != 'running',
                             timeout=120)
        check('replaced model: the new version is recorded as failed with its error',
              second and len(second) == 2 and second[1][0] == 'complete' and second[1][1] and 'int8' in daemon.text(),
              (second, daemon.text()[-1500:]))
        # A model that fails to load from the start, then a good one: recorded, and the daemon goes on.
        with open(os.path.join(models, 'fmnist', '.bad.part'), 'wb') as f:
            f.write(b'\x1c\0\0\0TFL3' + b'\0' * 56)
        os.rename(os.path.join(models, 'fmnist', '.bad.part'), os.path.join(models, 'fmnist', 'bad.tflite'))
        bad = h.wait_rows(db, "select m.error from measurements m where m.variant = 'bad'", lambda r: len(r) >= 1, timeout=120)
        check('a model that fails to load is recorded as failed with its error', bad and bad[0][0], bad)
        check('the load error is logged', daemon.wait_log('bad', timeout=5) and 'failed' in daemon.text())
        check('the daemon carries on after a failed model', daemon.proc.poll() is None)
        # Without the identifier it is not a model at all: skipped before a byte is copied, logged, nothing
        # recorded (and not retried until it changes).
        with open(os.path.join(models, 'fmnist', 'notes.tflite'), 'wb') as f:
            f.write(b'my notes, not a model\n' * 10)
        check('a file without the TFLite identifier is skipped and logged',
              daemon.wait_log('notes.tflite', timeout=30) and 'not a TFLite model' in daemon.text(), daemon.text()[-800:])
        check('... and nothing is recorded for it',
              h.wait_rows(db, "select count(*) from measurements where variant = 'notes'", lambda r: True, timeout=5) == [(0,)])
        # Links (to a real model) and FIFOs are never opened: skipped by what they are, logged once.
        os.symlink(os.path.abspath(h.MODELS['int8']), os.path.join(models, 'fmnist', 'linked.tflite'))
        os.mkfifo(os.path.join(models, 'fmnist', 'pipe.tflite'))
        check('a symbolic link is skipped and logged', daemon.wait_log('linked.tflite skipped: a symbolic link', timeout=30),
              daemon.text()[-800:])
        check('a FIFO is skipped and logged', daemon.wait_log('pipe.tflite skipped: a FIFO', timeout=30), daemon.text()[-800:])
        check('... and neither is measured', h.wait_rows(
            db, "select count(*) from measurements where variant in ('linked', 'pipe')", lambda r: True, timeout=3) == [(0,)])
        check('the daemon carries on after skipped files', daemon.proc.poll() is None)
    finally:
        rc, _ = daemon.stop()
    check('replaced/broken models: clean exit', rc == 0, rc)


def test_worker_crash(d, images):
    """A variant whose measuring worker crashes (the fault-injecting worker, tests/support/fault_worker.cc)
    is stored as failed with the cause; the run completes with the other variant, and the daemon goes on
    to measure the next model dropped."""
    if not ARGS.fault_worker:
        print('SKIPPED worker crash: no --fault-worker')
        return
    models = h.fresh_dir(os.path.join(d, 'crash', 'models'))
    os.makedirs(os.path.join(models, 'fmnist'))
    cfg = os.path.join(d, 'crash', 'eb.yaml')
    db = os.path.join(d, 'crash', 'state', 'results.db')
    h.write_config(cfg, images, models, limit=IMAGES_PER_RUN, default_limit=IMAGES_PER_RUN, debounce=0.2)
    daemon = h.Daemon(ARGS.edgebench, cfg, db, os.path.join(d, 'crash', 'daemon.log'),
                      extra_env={'EDGEBENCH_WORKER': ARGS.fault_worker, 'EB_TEST_FAULT': 'crashing:segv:3'})
    try:
        drop(models, 'fmnist/crashing.tflite', h.MODELS['int8'])
        got = h.wait_rows(db, "select r.status, m.error from runs r join measurements m on m.run_id = r.id "
                              "where m.variant = 'crashing'", lambda r: len(r) >= 1 and r[0][0] != 'running', timeout=120)
        check('worker crash: the run completes', got and got[0][0] == 'complete', (got, daemon.text()[-1500:]))
        check('worker crash: the cause is stored', got and 'killed by signal 11 (SIGSEGV) during inference 3' in (got[0][1] or ''),
              got)
        ref = h.rows(db, "select error from measurements where variant = 'float32'")
        check('worker crash: the reference is measured', ref and ref[-1][0] is None, ref)
        check('worker crash: the daemon survives', daemon.proc.poll() is None, daemon.text()[-1500:])
        drop(models, 'fmnist/healthy.tflite', h.MODELS['int8'])
        ok = h.wait_rows(db, "select error from measurements where variant = 'healthy'", lambda r: len(r) >= 1, timeout=120)
        check('worker crash: the next model is measured', ok and ok[0][0] is None, (ok, daemon.text()[-1500:]))
    finally:
        rc, _ = daemon.stop()
    check('worker crash: clean exit', rc == 0, rc)


def test_hostile_name(d, images):
    """A model dropped under a name holding a newline, an escape sequence and bytes that are not UTF-8: it is
    benchmarked once, every log line that names it stays one line without the escape byte, and a restart
    does not benchmark it again (the record of what was measured survives the name)."""
    models = h.fresh_dir(os.path.join(d, 'names', 'models'))
    cfg = os.path.join(d, 'names', 'eb.yaml')
    db = os.path.join(d, 'names', 'state', 'results.db')
    h.write_config(cfg, images, models, limit=IMAGES_PER_RUN, default_limit=IMAGES_PER_RUN, debounce=0.1)
    name = b'evil\nFORGED line \x1b[31mred\xff.tflite'
    tmp = os.path.join(os.fsencode(models), b'.part')
    shutil.copy(h.MODELS['int8'], tmp)
    os.rename(tmp, os.path.join(os.fsencode(models), name))
    log_path = os.path.join(d, 'names', 'daemon.log')
    daemon = h.Daemon(ARGS.edgebench, cfg, db, log_path)
    try:
        got = h.wait_rows(db, "select count(*) from measurements m join runs r on r.id = m.run_id "
                              "where r.status = 'complete' and m.variant like 'evil%'", lambda r: r and r[0][0] >= 1, timeout=120)
        check('hostile name: benchmarked', got and got[0][0] == 1, (got, daemon.text()[-1500:]))
    finally:
        daemon.stop()
    again = h.Daemon(ARGS.edgebench, cfg, db, log_path, extra_args=['--once'])
    rc = again.wait(120)
    raw = open(log_path, 'rb').read()
    lines = raw.split(b'\n')
    check('hostile name: no forged log line', not [l for l in lines if l.startswith(b'FORGED')], raw[-1500:])
    check('hostile name: no escape byte or invalid UTF-8 in the log', b'\x1b' not in raw and b'\xff' not in raw, raw[-800:])
    check('hostile name: the name is logged escaped', b'evil\\x0aFORGED line \\x1b[31mred\\xff.tflite' in raw, raw[-1500:])
    runs = h.rows(db, "select count(*) from measurements where variant like 'evil%'")
    check('hostile name: not benchmarked again after a restart', rc == 0 and runs == [(1,)], (rc, runs, again.text()[-800:]))


def test_disk_full(d, images):
    models = h.fresh_dir(os.path.join(d, 'full', 'models'))
    cfg = os.path.join(d, 'full', 'eb.yaml')
    db = os.path.join(d, 'full', 'state', 'results.db')
    # Scheduled groups (never run: due at once) rather than drops, so the only files written are the
    # database's: a snapshot of a dropped model would hit the size limit first.
    schedule = '  schedule: {every_hours: 24}\n'
    h.write_config(cfg, images, models, limit=IMAGES_PER_RUN, debounce=0.1, group='first', extra_service=schedule)
    first = h.Daemon(ARGS.edgebench, cfg, db, os.path.join(d, 'full', 'daemon1.log'), extra_args=['--once'])
    rc = first.wait(120)
    check('disk full: a first run completes', rc == 0 and h.rows(db, "select count(*) from runs where status = 'complete'") == [(1,)],
          first.text()[-1000:])
    con = sqlite3.connect(db)
    con.execute('pragma wal_checkpoint(TRUNCATE)')
    con.close()
    before = h.rows(db, 'select id, status from runs order by id')
    before_m = h.rows(db, 'select id, variant, latency_p50_ms from measurements order by id')
    # No file may be written past 64 KiB: the WAL takes the new run's row, not a measurement of 3000 samples.
    # SIGXFSZ is ignored so a write fails with EFBIG, as on a full disk, instead of killing the process.
    limit = 64 * 1024

    def preexec():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    # 3000 samples overflow the limit; the fastest kernels get there in seconds, even in a sanitized build.
    # The run reads its model into a sealed memory file (model_content.h), which the limit counts as a
    # file: a model under 64 KiB, so that the database is what hits it.
    small = os.path.join(os.path.dirname(h.MODELS['float32']), 'kws-dscnn-int8.tflite')
    h.write_config(cfg, images, models, limit=3000, debounce=0.1, group='second', extra_service=schedule, engine='auto',
                   reference=small)
    log_path = os.path.join(d, 'full', 'daemon2.log')
    with open(log_path, 'wb') as log:
        p = subprocess.Popen([ARGS.edgebench, 'daemon', '--config', cfg, '--db', db, '--once'], stdout=log, stderr=log,
                             preexec_fn=preexec)
        try:
            rc = p.wait(h.scaled(180))
        except subprocess.TimeoutExpired:
            p.kill()
            rc = p.wait()
    with open(log_path, errors='replace') as f:
        text = f.read()
    check('disk full: the daemon does not crash', rc in (0, 1), (rc, text[-1500:]))
    err_lines = [l for l in text.splitlines() if 'error' in l and any(
        w in l.lower() for w in ('full', 'too large', 'disk', 'i/o'))]
    check('disk full: a clear error is logged', err_lines, text[-1500:])
    print('disk full logged: %s' % (err_lines[:2],), flush=True)
    ok, detail = h.integrity_ok(db)
    check('disk full: integrity_check ok', ok, detail)
    check('disk full: earlier results intact',
          h.rows(db, 'select id, variant, latency_p50_ms from measurements where id <= ? order by id', (before_m[-1][0],)) == before_m
          and h.rows(db, 'select id, status from runs where id <= ? order by id', (before[-1][0],)) == before,
          (before, h.rows(db, 'select id, status from runs')))
    statuses = [s for (s,) in h.rows(db, 'select status from runs where id > ?', (before[-1][0],))]
    check('disk full: the new run is not reported complete', 'complete' not in statuses, statuses)


def main():
    global ARGS
    def add_arguments(ap):
        ap.add_argument('--kills', type=int, default=50)
        ap.add_argument('--seed', type=int, default=int(time.time()))
        ap.add_argument('--fault-worker', default='', help='tests/support/fault_worker binary')

    ARGS, images = h.start(add_arguments)
    if images is None:
        return h.SKIP
    print('seed %d' % ARGS.seed, flush=True)
    with tempfile.TemporaryDirectory(prefix='ebfaults_') as d:
        test_replaced_and_broken_models(d, images)
        test_worker_crash(d, images)
        test_hostile_name(d, images)
        test_disk_full(d, images)
        test_sigkill_loop(d, images)
    return h.summary()


if __name__ == '__main__':
    sys.exit(main())
