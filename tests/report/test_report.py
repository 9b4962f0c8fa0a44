#!/usr/bin/python3
"""`edgebench report --html` end to end: real runs of the Fashion-MNIST models (one with a `<script>`
variant label and a broken variant), the page rendered by headless Chromium, and assertions on the
rendered DOM (one box per measurement, one scatter point per variant, axis labels, escaping, no external
reference) and on the screenshot (a real picture, not one colour). Also: unlabelled images (agreement
plotted), device temperatures, an empty selection, --run, the `query compare --html` alias, errors.
Prints 'N passed, M failed'; exit 77 (skipped) without chromium, ../shared or the Fashion-MNIST package.

  test_report.py --edgebench PATH --images-cache DIR --work-dir DIR [--shared ../shared]
"""
import argparse
import html.parser
import os
import re
import shutil
import sqlite3
import struct
import subprocess
import sys
import tempfile
import zlib

ARGS = None
RESULTS = []
HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT_LABEL = '<script>int8'  # the variant label of fmnist-cnn-<script>int8.tflite


def check(name, cond, detail=''):
    RESULTS.append((name, bool(cond)))
    if not cond:
        print('FAIL %s %s' % (name, str(detail)[:800]))


def model(name):
    return os.path.join(ARGS.shared, 'models', name)


def edgebench(*args, timeout=600):
    return subprocess.run([ARGS.edgebench] + [str(a) for a in args], capture_output=True, text=True, timeout=timeout)


def find_chromium():
    for name in ('chromium', 'chromium-browser', 'google-chrome'):
        path = shutil.which(name)
        if path:
            return path
    return None


def chromium(page, *extra):
    """Runs headless Chromium on a local file; returns (returncode, stdout). No network, throwaway profile."""
    profile = tempfile.mkdtemp(prefix='ebchrome_', dir=ARGS.work_dir)
    try:
        cmd = [ARGS.chromium, '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
               '--disable-background-networking', '--disable-component-update', '--disable-sync',
               '--user-data-dir=' + profile] + list(extra) + ['file://' + os.path.abspath(page)]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
        return p.returncode, p.stdout
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def dump_dom(page):
    rc, out = chromium(page, '--dump-dom')
    check('chromium renders %s' % os.path.basename(page), rc == 0 and '</html>' in out, 'rc=%d' % rc)
    return out


class Dom(html.parser.HTMLParser):
    """The rendered DOM as Chromium serialises it: elements by class, text, script elements, URLs."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.elements = []  # (tag, attrs dict)
        self.text = []
        self.stack = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def with_class(self, tag, cls):
        return [a for t, a in self.elements if t == tag and cls in (a.get('class') or '').split()]

    def all_text(self):
        return ''.join(self.text)


def svg_counts(dom):
    """How many of each chart element the page holds (a chart's <svg> carries class 'chart NAME')."""
    return {
        'box_svg': len(dom.with_class('svg', 'latency-box')),
        'boxes': len(dom.with_class('g', 'box')),
        'tradeoff_svg': len(dom.with_class('svg', 'tradeoff')),
        'points': len(dom.with_class('g', 'point')),
        'timeline_svg': len(dom.with_class('svg', 'latency-timeline')),
        'latency_series': sum(1 for t, a in dom.elements if t == 'polyline' and 'series' in (a.get('class') or '')),
        'temp_svg': len(dom.with_class('svg', 'temperature-timeline')),
    }


def no_external_references(name, text):
    # src=/href= to anything with a scheme or a protocol-relative //host, and CSS url(http...).
    bad = re.findall(r'''(?:src|href)\s*=\s*["']?\s*(?:[a-z][a-z0-9+.-]*:|//)''', text, re.I)
    bad += re.findall(r'url\(\s*["\']?\s*(?:https?:|//)', text, re.I)
    check('%s: no external references' % name, not bad, bad[:5])


def png_pixels(path):
    """Decodes an 8-bit non-interlaced RGB/RGBA PNG (what Chromium writes): (width, height, rows of bytes, bpp)."""
    data = open(path, 'rb').read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        raise ValueError('not a PNG')
    pos, idat, width = 8, b'', 0
    while pos < len(data):
        length, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b'IHDR':
            width, height, depth, colour, _, _, interlace = struct.unpack('>IIBBBBB', body)
            if depth != 8 or colour not in (2, 6) or interlace != 0:
                raise ValueError('unsupported PNG (depth %d, colour type %d)' % (depth, colour))
            bpp = 3 if colour == 2 else 4
        elif kind == b'IDAT':
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(height):
        f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, rows, bpp


def check_screenshot(page):
    png = os.path.join(ARGS.work_dir, 'report.png')
    rc, _ = chromium(page, '--screenshot=' + png, '--window-size=1280,2000', '--hide-scrollbars')
    check('screenshot written', rc == 0 and os.path.exists(png), 'rc=%d' % rc)
    if not os.path.exists(png):
        return
    size = os.path.getsize(png)
    check('screenshot is not trivial (> 30 kB)', size > 30000, '%d bytes' % size)
    try:
        width, height, rows, bpp = png_pixels(png)
    except (ValueError, zlib.error, struct.error) as e:
        check('screenshot decodes', False, str(e))
        return
    check('screenshot is 1280 x 2000', (width, height) == (1280, 2000), '%d x %d' % (width, height))
    colours = set()
    coloured = 0  # strongly saturated pixels: the chart series, not the grey page
    for row in rows[::4]:
        for x in range(0, len(row), bpp * 4):
            r, g, b = row[x], row[x + 1], row[x + 2]
            colours.add((r, g, b))
            if max(r, g, b) - min(r, g, b) > 80:
                coloured += 1
    check('screenshot is not one colour', len(colours) > 50, '%d colours' % len(colours))
    check('screenshot shows coloured series', coloured > 200, '%d saturated pixels' % coloured)


def rows(db, sql):
    con = sqlite3.connect(db)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def make_databases(images):
    """main.db: run 1 = float32 + int8; run 2 = float32 + '<script>int8' + a broken variant.
    unlabelled.db: float32 + int8 on images without class folders."""
    d = ARGS.work_dir
    main = os.path.join(d, 'main.db')
    p = edgebench('run', model('fmnist-cnn-float32.tflite'), model('fmnist-cnn-int8.tflite'), '--images', images,
                  '--limit', 300, '--db', main)
    check('run 1 stored', p.returncode == 0, p.stderr[-400:])
    script_model = os.path.join(d, 'fmnist-cnn-%s.tflite' % SCRIPT_LABEL)
    shutil.copyfile(model('fmnist-cnn-int8.tflite'), script_model)
    broken = os.path.join(d, 'fmnist-cnn-broken.tflite')
    blob = open(model('fmnist-cnn-int8.tflite'), 'rb').read()
    open(broken, 'wb').write(blob[:len(blob) // 3])
    p = edgebench('run', model('fmnist-cnn-float32.tflite'), script_model, broken, '--images', images,
                  '--limit', 200, '--db', main)
    check('run 2 stored (with a broken variant)', p.returncode == 0, p.stderr[-400:])
    variants = sorted(v for v, in rows(main, 'select variant from measurements where run_id = 2'))
    check('run 2 variants named from the files', variants == sorted(['float32', SCRIPT_LABEL, 'broken']), variants)

    flat = os.path.join(d, 'flat-images')
    os.makedirs(flat, exist_ok=True)
    for cls in ('0', '1', '2'):
        for name in sorted(os.listdir(os.path.join(images, cls)))[:20]:
            shutil.copyfile(os.path.join(images, cls, name), os.path.join(flat, cls + '-' + name))
    unlabelled = os.path.join(d, 'unlabelled.db')
    p = edgebench('run', model('fmnist-cnn-float32.tflite'), model('fmnist-cnn-int8.tflite'), '--images', flat,
                  '--db', unlabelled)
    check('unlabelled run stored', p.returncode == 0, p.stderr[-400:])
    return main, unlabelled


def test_main_report(main):
    page = os.path.join(ARGS.work_dir, 'report.html')
    p = edgebench('report', '--html', page, '--db', main)
    check('report exit 0', p.returncode == 0, p.stderr)
    check('report says what it wrote', 'report of 4 measurements written to ' + page in p.stdout, p.stdout)
    if p.returncode != 0:
        return None
    source = open(page, encoding='utf-8').read()
    check('page has no <script> at all (label escaped)', '<script' not in source.lower())
    check('escaped label in the page source', '&lt;script&gt;int8' in source)
    no_external_references('page source', source)

    dom_text = dump_dom(page)
    dom = Dom(dom_text)
    no_external_references('rendered DOM', dom_text)
    check('no script element in the rendered DOM', not any(t == 'script' for t, _ in dom.elements))
    text = dom.all_text()
    check('the label shows as text', SCRIPT_LABEL in text)
    c = svg_counts(dom)
    # 4 compare rows: float32 (run 2), int8 (run 1), <script>int8, broken (failed: table only).
    check('one box-plot chart', c['box_svg'] == 1, c)
    check('one box per measured variant', c['boxes'] == 3, c)
    check('one trade-off chart', c['tradeoff_svg'] == 1, c)
    check('one scatter point per variant', c['points'] == 3, c)
    check('one latency-over-time chart', c['timeline_svg'] == 1, c)
    labels = sorted(a.get('data-label') for a in dom.with_class('g', 'point'))
    check('scatter points labelled by variant', labels == sorted(['float32', 'int8', SCRIPT_LABEL]), labels)
    # Latency axes are linear, or logarithmic when the tail is ten times the typical latency.
    for axis in (r'latency per inference \(ms(, log scale)?\)', r'p50 latency per inference \(ms\)',
                 r'top-1 accuracy \(%\)', r'timed inference \(index, in the order run\)', r'\blatency \(ms(, log scale)?\)'):
        check('axis label /%s/' % axis, re.search(axis, text))
    check('tick labels present', len(dom.with_class('text', 'tick-label')) >= 15, len(dom.with_class('text', 'tick-label')))
    check('legends present', len(dom.with_class('g', 'legend')) >= 3)
    check('failed variant in the table', 'failed: ' in text and 'broken' in text)
    has_temp = rows(main, 'select count(*) from device_samples where cpu_temp_c is not null')[0][0] > 0
    if has_temp:
        check('temperature chart', c['temp_svg'] == 1, c)
    else:
        check('temperature "not available"', 'CPU temperature: not available' in text and c['temp_svg'] == 0, c)
    # The table shows the numbers of query compare.
    q = edgebench('query', 'compare', '--db', main, '--format', 'csv')
    p50s = [line.split(',')[9] for line in q.stdout.splitlines()[1:]]
    tds = [a for t, a in dom.elements if t == 'td']
    check('table has a row per compare row', len(dom.with_class('tr', 'reference')) == 1 and len(tds) > 40, len(tds))
    for v in p50s:
        shown = '%.3f' % float(v) if float(v) < 1 else '%.2f' % float(v)
        check('table shows p50 %s' % shown, shown in text)
    check_screenshot(page)
    return c


def test_temperatures(main):
    # This VM has no thermal zone: give the samples temperatures, as a Pi stores them.
    db = os.path.join(ARGS.work_dir, 'warm.db')
    shutil.copyfile(main, db)
    con = sqlite3.connect(db)
    con.execute('update device_samples set cpu_temp_c = 55.0 + 0.7 * seq + measurement_id, cpu_freq_mhz = 1800')
    con.commit()
    with_temp = con.execute('select count(distinct measurement_id) from device_samples').fetchone()[0]
    con.close()
    page = os.path.join(ARGS.work_dir, 'warm.html')
    p = edgebench('report', '--html', page, '--db', db, '--run', 'last')
    check('report of the warm run', p.returncode == 0, p.stderr)
    dom = Dom(dump_dom(page))
    temp = dom.with_class('svg', 'temperature-timeline')
    check('temperature chart drawn', len(temp) == 1)
    check('temperature axis label', 'CPU temperature (\u00b0C)' in dom.all_text())
    check('frequency chart drawn', len(dom.with_class('svg', 'frequency-timeline')) == 1)
    run2_with_samples = rows(db, 'select count(distinct d.measurement_id) from device_samples d join measurements m '
                                 'on m.id = d.measurement_id where m.run_id = 2')[0][0]
    series = [a for t, a in dom.elements if t == 'polyline' and 'series' in (a.get('class') or '')]
    # --run last: run 2 has 2 measured variants (+1 failed, which has no samples): 2 latency lines +
    # one temperature and one frequency line per measurement with samples.
    check('--run last selects run 2 only', len(dom.with_class('g', 'box')) == 2, len(dom.with_class('g', 'box')))
    check('one temperature line per measurement', len(series) == 2 + 2 * run2_with_samples,
          '%d series, %d with samples (%d in db)' % (len(series), run2_with_samples, with_temp))


def test_unlabelled(unlabelled):
    page = os.path.join(ARGS.work_dir, 'unlabelled.html')
    p = edgebench('report', '--html', page, '--db', unlabelled)
    check('unlabelled report', p.returncode == 0, p.stderr)
    dom = Dom(dump_dom(page))
    text = dom.all_text()
    check('unlabelled: agreement plotted', 'top-1 agreement with the reference (%)' in text)
    check('unlabelled: one point per variant', len(dom.with_class('g', 'point')) == 2)
    check('unlabelled: reference at 100 %', 'float32 100.00 %' in text)


def test_alias_and_filters(main, main_counts):
    page = os.path.join(ARGS.work_dir, 'alias.html')
    p = edgebench('query', 'compare', '--db', main, '--html', page)
    check('query compare --html', p.returncode == 0, p.stderr)
    if main_counts is not None and p.returncode == 0:
        check('alias draws the same charts', svg_counts(Dom(open(page, encoding='utf-8').read())) == main_counts)
    page = os.path.join(ARGS.work_dir, 'run1.html')
    p = edgebench('report', '--html', page, '--db', main, '--run', '1')
    dom = Dom(open(page, encoding='utf-8').read()) if p.returncode == 0 else Dom('')
    check('--run 1: its two variants', p.returncode == 0 and len(dom.with_class('g', 'box')) == 2, p.stderr)
    page = os.path.join(ARGS.work_dir, 'single.html')
    p = edgebench('report', '--html', page, '--db', main, '--variant', 'int8')
    dom = Dom(open(page, encoding='utf-8').read()) if p.returncode == 0 else Dom('')
    check('single variant: one box, one point',
          p.returncode == 0 and len(dom.with_class('g', 'box')) == 1 and len(dom.with_class('g', 'point')) == 1, p.stderr)
    page = os.path.join(ARGS.work_dir, 'empty.html')
    p = edgebench('report', '--html', page, '--db', main, '--model', 'no-such-model')
    check('empty selection: a page saying so', p.returncode == 0 and 'No measurements match' in
          Dom(dump_dom(page)).all_text(), p.stderr)


def test_errors(main):
    d = ARGS.work_dir
    target = os.path.join(d, 'no-such-dir', 'r.html')
    p = edgebench('report', '--html', target, '--db', main)
    lines = [l for l in p.stderr.splitlines() if l.strip()]
    check('unwritable page: exit 1, one line naming it', p.returncode == 1 and len(lines) == 1 and target in p.stderr,
          p.stderr)
    existing = os.path.join(d, 'report.html')
    before = open(existing, 'rb').read() if os.path.exists(existing) else None
    missing_db = os.path.join(d, 'missing.db')
    p = edgebench('report', '--html', existing, '--db', missing_db)
    check('missing database: exit 1 naming it', p.returncode == 1 and missing_db in p.stderr, p.stderr)
    check('a failed report leaves the old page alone',
          before is None or open(existing, 'rb').read() == before)
    check('no temporary files left', not [f for f in os.listdir(d) if '.tmp-' in f], os.listdir(d))
    p = edgebench('report', '--db', main)
    check('missing --html: usage error', p.returncode == 2 and '--html' in p.stderr, p.stderr)
    p = edgebench('report', '--html', existing, '--db', main, '--run', 'x1')
    check('bad --run: usage error', p.returncode == 2 and "'x1'" in p.stderr, p.stderr)
    p = edgebench('query', 'runs', '--db', main, '--html', existing)
    check('--html only with query compare', p.returncode == 2 and 'compare' in p.stderr, p.stderr)
    # Outputs never clobber inputs: each kind of path the page may not replace is refused (exit 2, one
    # line naming it) and left as it was.
    db_copy = os.path.join(d, 'copy.db')
    shutil.copyfile(main, db_copy)
    text_file = os.path.join(d, 'notes.txt')
    with open(text_file, 'w') as f:
        f.write('my notes\n')
    link = os.path.join(d, 'link.html')
    if os.path.lexists(link):
        os.remove(link)
    os.symlink(existing, link)
    fifo = os.path.join(d, 'pipe.html')
    if not os.path.exists(fifo):
        os.mkfifo(fifo)
    folder = os.path.join(d, 'folder.html')
    os.makedirs(folder, exist_ok=True)
    cases = [('the --db itself', db_copy, ['--db', db_copy], 'results database'),
             ('the --db by another name', os.path.join(d, '.', 'copy.db'), ['--db', db_copy], 'results database'),
             ('another SQLite database', db_copy, ['--db', main], 'SQLite database'),
             ('a text file', text_file, ['--db', main], 'not an HTML page'),
             ('a symbolic link', link, ['--db', main], 'symbolic link'),
             ('a FIFO (no hang)', fifo, ['--db', main], 'not a regular file'),
             ('a directory', folder, ['--db', main], 'not a regular file')]
    for what, path, dbs, words in cases:
        before = open(path, 'rb').read() if os.path.isfile(path) and not os.path.islink(path) else None
        for cmd in (['report', '--html', path], ['query', 'compare', '--html', path]):
            p = edgebench(*(cmd + dbs), timeout=30)
            lines = [l for l in p.stderr.splitlines() if l.strip()]
            check('refuses %s (%s): exit 2, one line' % (what, cmd[0]),
                  p.returncode == 2 and len(lines) == 1 and words in p.stderr and path in p.stderr, p.stderr)
        check('%s left as it was' % what, before is None or open(path, 'rb').read() == before)
    check('the link still points at the page', os.path.islink(link) and os.readlink(link) == existing)
    p = edgebench('report', '--html', existing, '--db', main)
    check('an existing page is replaced', p.returncode == 0, p.stderr)


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument('--edgebench', required=True)
    ap.add_argument('--images-cache', required=True)
    ap.add_argument('--work-dir', required=True)
    ap.add_argument('--shared', default=os.path.join(HERE, '..', '..', '..', 'shared'))
    ARGS = ap.parse_args()
    ARGS.chromium = find_chromium()
    if not ARGS.chromium:
        print('SKIPPED: chromium not found (scripts/install-deps.sh installs it)')
        return 77
    if not os.path.isdir(os.path.join(ARGS.shared, 'models')):
        print('SKIPPED: shared models not found at %s' % ARGS.shared)
        return 77
    script = os.path.join(HERE, '..', '..', 'scripts', 'make-fmnist-images.sh')
    mk = subprocess.run([script, ARGS.images_cache], capture_output=True, text=True)
    if mk.returncode != 0:
        print('SKIPPED: cannot make the Fashion-MNIST images (dataset-fashion-mnist missing?): %s' % mk.stderr[-300:])
        return 77
    shutil.rmtree(ARGS.work_dir, ignore_errors=True)
    os.makedirs(ARGS.work_dir)
    main_db, unlabelled = make_databases(ARGS.images_cache)
    counts = test_main_report(main_db)
    test_temperatures(main_db)
    test_unlabelled(unlabelled)
    test_alias_and_filters(main_db, counts)
    test_errors(main_db)
    failed = sum(1 for _, ok in RESULTS if not ok)
    print('%d passed, %d failed' % (len(RESULTS) - failed, failed))
    print('pages and screenshot kept in %s' % ARGS.work_dir)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
