"""Shared pieces of the daemon's end-to-end tests (test_daemon.py, test_faults.py, test_camera_loss.py):
their common start (arguments and skip checks), a fake systemd notify socket, a configuration writer, a
daemon process with its log, and database helpers. Python 3 stdlib only.
"""
import argparse
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
RESULTS = []

# Sanitizer builds run the daemon several times slower (ASan: about 13x on the reference kernels, 8x to
# start, and slower to exit). tests/service/CMakeLists.txt sets EB_TEST_TIME_SCALE for them through
# CTest. Every deadline the helpers below wait for is multiplied by it (callers pass native values), and
# work that only serves to make a run last long enough is divided by it (fewer()), so a sanitized run
# lasts about as long as a native one instead of ten times longer.
TIME_SCALE = max(1.0, float(os.environ.get('EB_TEST_TIME_SCALE') or 1))


def scaled(seconds):
    """A native deadline, stretched for a sanitizer build."""
    return seconds * TIME_SCALE


def fewer(count, minimum=1):
    """A native workload (images per run) shrunk for a sanitizer build, so the run takes as long."""
    return max(minimum, int(count / TIME_SCALE))


def check(name, cond, detail=''):
    RESULTS.append((name, bool(cond)))
    if not cond:
        print('FAIL %s %s' % (name, str(detail)[-1500:]), flush=True)
    return bool(cond)


def summary():
    failed = sum(1 for _, ok in RESULTS if not ok)
    print('%d passed, %d failed' % (len(RESULTS) - failed, failed))
    return 1 if failed else 0


def make_images(cache):
    """The Fashion-MNIST image folder, made once per build dir; None when the dataset is missing."""
    script = os.path.join(HERE, '..', '..', 'scripts', 'make-fmnist-images.sh')
    mk = subprocess.run([script, cache], capture_output=True, text=True)
    return os.path.abspath(cache) if mk.returncode == 0 else None


class NotifySocket:
    """An AF_UNIX datagram socket standing in for systemd's NOTIFY_SOCKET; records (time, message)."""

    def __init__(self, path):
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        self.sock.settimeout(0.2)
        self.messages = []
        self.lock = threading.Lock()
        self.stop = False
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        while not self.stop:
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                return
            with self.lock:
                for line in data.decode('utf-8', 'replace').split('\n'):
                    if line:
                        self.messages.append((time.time(), line))

    def lines(self, prefix='', since=0.0):
        with self.lock:
            return [(t, m) for t, m in self.messages if m.startswith(prefix) and t >= since]

    def wait_for(self, prefix, since=0.0, timeout=30.0, contains=''):
        deadline = time.time() + scaled(timeout)
        while time.time() < deadline:
            for t, m in self.lines(prefix, since):
                if contains in m:
                    return t, m
            time.sleep(0.05)
        return None

    def close(self):
        self.stop = True
        self.thread.join(1.0)
        self.sock.close()


def write_config(path, images, models_dir, limit=200, debounce=0.5, extra_service='', default_limit=100, prom='',
                 group='fmnist', engine='ref', extra_groups='', reference=None):
    text = ('groups:\n'
            '  - name: %s\n'
            '    source: {images: %s, limit: %d}\n'
            # The reference kernels: runs long enough (seconds) to ping the watchdog and be interrupted.
            '    engines: [%s]\n'
            '    variants:\n'
            '      - {path: %s, label: float32, reference: true}\n'
            '%s'  # extra_groups: further "  - name: ..." entries
            'service:\n'
            '  models_dir: %s\n'
            '  watch_debounce_s: %s\n'
            '  cooldown_s: 0\n'
            '  default_source: {images: %s, limit: %d}\n'
            % (group, images, limit, engine, reference or MODELS['float32'], extra_groups, models_dir, debounce, images, default_limit))
    if prom:
        text += '  exporter: {textfile: %s}\n' % prom
    text += extra_service
    with open(path, 'w') as f:
        f.write(text)
    return text


MODELS = {}

SKIP = 77  # CTest's SKIP_RETURN_CODE for these tests


def start(add_arguments=None):
    """The tests' common start: --edgebench, --images-cache and --shared (plus the test's own arguments,
    added by add_arguments(parser)), then the skip checks. Returns (args, images); images is None when
    the test must be skipped (the reason is printed: the caller returns SKIP)."""
    ap = argparse.ArgumentParser()
    ap.add_argument('--edgebench', required=True)
    ap.add_argument('--images-cache', required=True)
    ap.add_argument('--shared', default=os.path.join(HERE, '..', '..', '..', 'shared'))
    if add_arguments:
        add_arguments(ap)
    args = ap.parse_args()
    if not os.path.isfile(os.path.join(args.shared, 'models', 'fmnist-cnn-int8.tflite')):
        print('SKIPPED: shared models not found at %s' % args.shared)
        return args, None
    images = make_images(args.images_cache)
    if not images:
        print('SKIPPED: cannot make the Fashion-MNIST images (dataset-fashion-mnist missing?)')
        return args, None
    set_shared(args.shared)
    return args, images


def set_shared(shared):
    shared = os.path.abspath(shared)
    MODELS['float32'] = os.path.join(shared, 'models', 'fmnist-cnn-float32.tflite')
    MODELS['int8'] = os.path.join(shared, 'models', 'fmnist-cnn-int8.tflite')


class Daemon:
    """`edgebench daemon` with its stderr in a file and an optional notify socket."""

    def __init__(self, edgebench, config, db, log_path, notify=None, watchdog_usec=None, extra_args=(), extra_env=None):
        env = dict(os.environ, **(extra_env or {}))
        env.pop('NOTIFY_SOCKET', None)
        env.pop('WATCHDOG_USEC', None)
        env.pop('WATCHDOG_PID', None)
        env.pop('JOURNAL_STREAM', None)
        if notify:
            env['NOTIFY_SOCKET'] = notify
        if watchdog_usec:
            env['WATCHDOG_USEC'] = str(watchdog_usec)
        self.log_path = log_path
        self.log = open(log_path, 'ab')
        self.proc = subprocess.Popen([edgebench, 'daemon', '--config', config, '--db', db] + list(extra_args),
                                     stdout=self.log, stderr=self.log, env=env)

    def text(self):
        with open(self.log_path, 'r', errors='replace') as f:
            return f.read()

    def wait_log(self, needle, timeout=30.0, count=1):
        deadline = time.time() + scaled(timeout)
        while time.time() < deadline:
            if self.text().count(needle) >= count:
                return True
            if self.proc.poll() is not None:
                return self.text().count(needle) >= count
            time.sleep(0.05)
        return False

    def signal(self, sig):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)

    def stop(self, timeout=10.0):
        """SIGTERM, then (timeout, scaled) SIGKILL. Returns (exit code, seconds taken)."""
        t0 = time.time()
        self.signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(scaled(timeout))
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.log.close()
        return rc, time.time() - t0

    def wait(self, timeout):
        """Waits for the process to exit by itself (--once); None (and killed) past the scaled timeout."""
        try:
            return self.proc.wait(scaled(timeout))
        except subprocess.TimeoutExpired:
            self.kill()
            return None

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.log.close()


def rows(db, sql, args=()):
    con = sqlite3.connect('file:%s?mode=ro' % db, uri=True, timeout=10)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def try_rows(db, sql, args=()):
    try:
        return rows(db, sql, args)
    except sqlite3.Error:
        return None


def wait_rows(db, sql, pred, timeout=60.0, args=()):
    """Polls `sql` until pred(result) holds (timeout scaled); returns the last result."""
    deadline = time.time() + scaled(timeout)
    got = None
    while time.time() < deadline:
        got = try_rows(db, sql, args)
        if got is not None and pred(got):
            return got
        time.sleep(0.1)
    return got


def integrity_ok(db):
    r = try_rows(db, 'pragma integrity_check')
    return r == [('ok',)], r


def slow_copy(src, dst, chunk=4096, pause=0.05):
    """Copies in chunks with pauses, as a slow scp would; returns the time the copy finished."""
    with open(src, 'rb') as fi, open(dst, 'wb') as fo:
        while True:
            b = fi.read(chunk)
            if not b:
                break
            fo.write(b)
            fo.flush()
            time.sleep(pause)
    return time.time()


def fresh_dir(path):
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path
