#!/usr/bin/python3
"""Special files, as a class, wherever edgebench reads a file: a FIFO, a socket, a character device, a
directory, a symbolic link to each, and a huge sparse file, given as a model (inspect, bench, infer, run),
an input array, an image inside an image folder, a labels CSV, a label-names file and a configuration.
Nothing may hang (every command has a 20 s limit), nothing may crash; each is one line naming the path
and what it is (or, for an image among others, a skipped item with that line), and a regular file reached
through a symbolic link still works. Prints 'N passed, M failed'; exit 77 without ../shared.

  test_special_files.py --edgebench PATH --images-cache DIR [--shared ../shared]
"""
import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile

ARGS = None
RESULTS = []


def check(name, cond, detail=''):
    RESULTS.append((name, bool(cond)))
    if not cond:
        print('FAIL %s %s' % (name, str(detail)[:600]))


def edgebench(*args, timeout=20):
    try:
        return subprocess.run([ARGS.edgebench] + [str(a) for a in args], capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return None


def make_specials(d):
    """name -> (path, words the error must hold)."""
    out = {}
    fifo = os.path.join(d, 'fifo')
    os.mkfifo(fifo)
    out['a FIFO'] = (fifo, 'FIFO')
    sock_path = os.path.join(d, 'sock')
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(sock_path)
    out['a socket'] = (sock_path, 'socket')
    out['a character device'] = ('/dev/zero', 'character device')
    folder = os.path.join(d, 'folder')
    os.makedirs(folder)
    out['a directory'] = (folder, 'directory')
    for what, (path, words) in list(out.items()):
        link = os.path.join(d, 'link-to-' + os.path.basename(path))
        os.symlink(path, link)
        out['a link to ' + what] = (link, words)
    sparse = os.path.join(d, 'sparse')
    with open(sparse, 'wb') as f:
        f.truncate(3 << 30)  # 3 GiB, no blocks: refused by its size before anything is read
    out['a 3 GiB sparse file'] = (sparse, 'bytes')
    return out, s


def one_line_naming(p, path, words):
    if p is None:
        return False
    lines = [l for l in p.stderr.splitlines() if l.strip()]
    return p.returncode in (1, 2) and len(lines) == 1 and path in p.stderr and words in p.stderr


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument('--edgebench', required=True)
    ap.add_argument('--images-cache', required=True)
    ap.add_argument('--shared', default=os.path.join(os.path.dirname(__file__), '..', '..', '..', 'shared'))
    ARGS = ap.parse_args()
    model = os.path.join(ARGS.shared, 'models', 'fmnist-cnn-int8.tflite')
    if not os.path.exists(model):
        print('SKIPPED: shared models not found at %s' % ARGS.shared)
        return 77
    script = os.path.join(os.path.dirname(__file__), '..', '..', 'scripts', 'make-fmnist-images.sh')
    if subprocess.run([script, ARGS.images_cache], capture_output=True).returncode != 0:
        print('SKIPPED: cannot make the Fashion-MNIST images')
        return 77
    with tempfile.TemporaryDirectory(prefix='ebspecial_') as d:
        specials, sock = make_specials(d)
        images = os.path.join(d, 'images')
        shutil.copytree(os.path.join(ARGS.images_cache, '0'), os.path.join(images, '0'))
        npy = os.path.join(ARGS.shared, 'conformance', 'fmnist-cnn-int8', '0', 'input_0.npy')
        for what, (path, words) in specials.items():
            for cmd in (['inspect', path], ['bench', path, '--iterations', '1'],
                        ['infer', path, '--input', npy, '--output-dir', os.path.join(d, 'o')]):
                p = edgebench(*cmd)
                check('%s as a model (%s)' % (what, cmd[0]), one_line_naming(p, path, words),
                      p and (p.returncode, p.stderr))
            p = edgebench('run', path, '--images', images, '--limit', '3', '--db', os.path.join(d, 'r.db'))
            check('%s as a model (run): a failed run naming it' % what,
                  p is not None and p.returncode == 1 and path in p.stderr and words in p.stderr,
                  p and (p.returncode, p.stderr[-400:]))
            p = edgebench('infer', model, '--input', path, '--output-dir', os.path.join(d, 'o'))
            check('%s as an input array' % what, one_line_naming(p, path, words), p and (p.returncode, p.stderr))
            p = edgebench('run', model, '--images', images, '--labels', path, '--limit', '3',
                          '--db', os.path.join(d, 'r.db'))
            check('%s as a labels CSV' % what, one_line_naming(p, path, words), p and (p.returncode, p.stderr))
            p = edgebench('run', model, '--images', images, '--label-names', path, '--limit', '3',
                          '--db', os.path.join(d, 'r.db'))
            check('%s as a label-names file' % what, one_line_naming(p, path, words), p and (p.returncode, p.stderr))
            p = edgebench('run', '--config', path, '--db', os.path.join(d, 'r.db'))
            check('%s as a configuration' % what, one_line_naming(p, path, words), p and (p.returncode, p.stderr))
        # Among images: each special file is an item that fails with that line; the others are measured.
        # (A directory inside a class folder is walked, not read: its own rule. The run names the first
        # five skipped items, so five kinds are placed.)
        among = ['a FIFO', 'a socket', 'a character device', 'a 3 GiB sparse file', 'a link to a FIFO']
        for i, what in enumerate(among):
            os.symlink(specials[what][0], os.path.join(images, '0', 'zz%02d.png' % i))
        db = os.path.join(d, 'imgs.db')
        p = edgebench('run', model, '--images', images, '--db', db, timeout=120)
        check('special files among images: the run completes', p is not None and p.returncode == 0,
              p and p.stderr[-600:])
        if p is not None:
            for i, what in enumerate(among):
                line = [l for l in p.stderr.splitlines() if 'zz%02d.png' % i in l]
                check('special files among images: %s named as a skipped item' % what,
                      len(line) == 1 and specials[what][1] in line[0], p.stderr[-800:])
        sock.close()
    failed = sum(1 for _, ok in RESULTS if not ok)
    print('%d passed, %d failed' % (len(RESULTS) - failed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
