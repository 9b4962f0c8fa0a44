"""The databases tests/cli/test_query.py reads: built with the SQL of daemon/store/schema.cc's migrations
(executed by Python's sqlite3, with the user_version the store sets), filled with known runs and
measurements, some written at schema version 1 before the later migrations ran (as an older edgebench
left them)."""
import os
import re
import sqlite3

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))


def migrations_sql():
    """The SQL of every migration (kSchemaV1, kSchemaV2, ...), in order: index i holds version i + 1."""
    text = open(os.path.join(REPO, 'daemon', 'store', 'schema.cc')).read()
    found = {int(v): sql for v, sql in re.findall(r'kSchemaV(\d+) = R"sql\((.*?)\)sql"', text, re.S)}
    if not found or sorted(found) != list(range(1, len(found) + 1)):
        raise SystemExit('cannot find kSchemaV1..N in daemon/store/schema.cc (found %s)' % sorted(found))
    return [found[v] for v in sorted(found)]


MIGRATIONS = migrations_sql()
LATEST = len(MIGRATIONS)


RUN_COLUMNS = ['id', 'status', 'error', 'started_utc', 'finished_utc', 'duration_ms', 'model_group',
               'edgebench_version', 'git_hash', 'config_text', 'device_name', 'hostname', 'cpu_model', 'cpu_cores',
               'isa', 'kernel', 'governor', 'throttled', 'writer_pid', 'writer_boot_id', 'writer_start_ticks']


def make_db(path, runs):
    """runs: list of (run dict, [measurement dicts], schema version it is written at), versions in
    ascending order: the migrations up to that version run before it is inserted, the others after (so a
    version-1 row has the later columns NULL, as a migrated database has them). A measurement dict may
    hold 'samples', 'classes', 'confusion', 'ops', 'device_samples' besides its columns. Returns the
    application_id migration 1 set."""
    db = sqlite3.connect(path)
    version = 0

    def migrate_to(v):
        nonlocal version
        while version < v:
            db.executescript(MIGRATIONS[version])
            version += 1
            db.execute('PRAGMA user_version = %d' % version)

    migrate_to(1)
    application_id = db.execute('PRAGMA application_id').fetchone()[0]
    db.execute('PRAGMA journal_mode = WAL')  # as the store leaves it
    for run_row, measurements, written_at in runs:
        migrate_to(written_at)
        row = dict(edgebench_version='0.1.0', git_hash='abc1234', config_text='', device_name='', hostname='',
                   cpu_model='', cpu_cores=None, isa='', kernel='', governor='', throttled=None, writer_pid=4242,
                   writer_boot_id='boot-1', writer_start_ticks=99, error=None, finished_utc=None, duration_ms=None)
        row.update(run_row)
        db.execute('INSERT INTO runs (%s) VALUES (%s)' % (', '.join(RUN_COLUMNS), ', '.join('?' * len(RUN_COLUMNS))),
                   [row[c] for c in RUN_COLUMNS])
        for m in measurements:
            m = dict(m)
            details = {k: m.pop(k, []) for k in ('samples', 'classes', 'confusion', 'ops', 'device_samples')}
            m.setdefault('run_id', row['id'])
            m.setdefault('model_group', row['model_group'])
            m.setdefault('model_path', '/models/%s.tflite' % m['variant'])
            m.setdefault('is_reference', 0)
            m.setdefault('engine', 'ref')
            m.setdefault('threads', 1)
            cols = list(m)
            db.execute('INSERT INTO measurements (%s) VALUES (%s)' % (', '.join(cols), ', '.join('?' * len(cols))),
                       [m[c] for c in cols])
            mid = m['id']
            for seq, ms in enumerate(details['samples']):
                db.execute('INSERT INTO latency_samples VALUES (?, ?, ?)', (mid, seq, ms))
            for c in details['classes']:
                db.execute('INSERT INTO class_accuracy VALUES (?, ?, ?, ?, ?)', (mid,) + c)
            for c in details['confusion']:
                db.execute('INSERT INTO confusion_counts VALUES (?, ?, ?, ?)', (mid,) + c)
            for o in details['ops']:
                db.execute('INSERT INTO op_profile VALUES (?, ?, ?, ?)', (mid,) + o)
            for seq, d in enumerate(details['device_samples']):
                db.execute('INSERT INTO device_samples VALUES (?, ?, ?, ?, ?, ?)', (mid, seq) + d)
    migrate_to(LATEST)
    db.commit()
    db.close()
    return application_id


def latency(p50, p90, p99):
    return dict(latency_min_ms=p50 * 0.9, latency_mean_ms=p50 * 1.01, latency_std_ms=1.5, latency_p50_ms=p50,
                latency_p90_ms=p90, latency_p99_ms=p99, latency_max_ms=p99 * 1.05)


MIB = 1048576
INT8_PEAK = 3.5 * MIB    # run 2's int8: the worker's peak
INT8_MODEL = 1.5 * MIB   # and what the model costs (peak over the 2 MiB baseline)


def worker_memory(peak, baseline, load=None, first=None, arena=None, scratch=None, minor_faults=None,
                  major_faults=None, cpu_affinity=None, cpu=None, cpu_freq_mhz=None):
    """The memory columns a measurement run in the worker stores (schema 2), model = peak - baseline."""
    row = dict(peak_rss_bytes=int(peak), model_memory_bytes=int(peak - baseline), baseline_rss_bytes=int(baseline),
               load_rss_bytes=load, first_rss_bytes=first, arena_bytes=arena, scratch_bytes=scratch,
               minor_faults=minor_faults, major_faults=major_faults, cpu_affinity=cpu_affinity, cpu=cpu,
               cpu_freq_mhz=cpu_freq_mhz)
    return {k: int(v) if isinstance(v, float) and k.endswith('_bytes') else v for k, v in row.items() if v is not None}


CONFIG_1 = 'models:\n  - mobilenet-v2\nthreads: 1\n'
GROUP_3 = 'kws "tiny", v2|8k'          # quotes, a comma and a pipe: CSV quoting and markdown escaping
ERROR_3 = 'camera, not found'
ERROR_M3 = 'cannot load "w.tflite": tensor 3, truncated'
LABEL_1 = 'dog, "big"'


def fixture_a():
    run1 = dict(id=1, status='complete', started_utc='2024-05-01T10:00:00.000Z', finished_utc='2024-05-01T10:05:00.000Z',
                duration_ms=300000.0, model_group='mobilenet-v2', config_text=CONFIG_1, device_name='pi5-lab-1',
                hostname='raspberrypi', cpu_model='Cortex-A76', cpu_cores=4, isa='neon-dotprod', kernel='6.6.20',
                governor='performance', throttled=0)
    m1 = dict(id=1, started_utc='2024-05-01T10:00:01.000Z', variant='float32', is_reference=1, file_size_bytes=14000000,
              compression_ratio=1.0, num_images=100, top1=0.72, top5=0.91, peak_rss_bytes=60 * 1048576,
              rss_increase_bytes=13946061, arena_bytes=1500000, throttled=0, samples=[99.0, 100.5, 98.25],
              classes=[(0, 'cat', 45, 50), (1, LABEL_1, 27, 50)],
              confusion=[(0, 0, 45), (0, 1, 5), (1, 1, 27), (1, 0, 23)], ops=[(0, 'CONV_2D', 30.0), (1, 'SOFTMAX', 10.0)],
              device_samples=[(0.0, '2024-05-01T10:00:01.000Z', 51.5, 2400.0), (500.0, '2024-05-01T10:00:01.500Z', 58.0, 1800.0)],
              **latency(99.0, 104.0, 110.0))
    m2 = dict(id=2, started_utc='2024-05-01T10:01:00.000Z', variant='int8', file_size_bytes=3500000, compression_ratio=4.0,
              num_images=100, top1=0.70, top5=0.90, agreement_top1=0.95, mse=0.0012, mae=0.02, max_abs_diff=0.25,
              peak_rss_bytes=20 * 1048576, rss_increase_bytes=104858, throttled=1, samples=[40.0, 41.0],
              **latency(40.0, 41.5, 43.0))
    m3 = dict(id=3, started_utc='2024-05-01T10:02:00.000Z', variant='float16', error=ERROR_M3)
    run2 = dict(id=2, status='complete', started_utc='2024-05-03T08:00:00.000Z', finished_utc='2024-05-03T08:04:00.000Z',
                duration_ms=240000.0, model_group='mobilenet-v2', device_name='pi5-lab-1', hostname='raspberrypi')
    m4 = dict(id=4, started_utc='2024-05-03T08:00:01.000Z', variant='float32', is_reference=1, file_size_bytes=14000000,
              compression_ratio=1.0, num_images=100, top1=0.74, top5=0.92, throttled=0,
              **worker_memory(peak=17 * MIB, baseline=2 * MIB, cpu_freq_mhz=2400.0), **latency(98.0, 103.0, 109.0))
    m5 = dict(id=5, started_utc='2024-05-03T08:01:00.000Z', variant='int8', file_size_bytes=3500000, compression_ratio=4.0,
              num_images=100, top1=0.69, top5=0.89, agreement_top1=0.93, mse=0.0015, mae=0.021, max_abs_diff=0.3,
              throttled=1, **worker_memory(peak=INT8_PEAK, baseline=2 * MIB, load=3 * MIB, first=3.25 * MIB,
                                           arena=70000, scratch=0, minor_faults=12, major_faults=0,
                                           cpu_affinity='2-3', cpu=3, cpu_freq_mhz=1800.0),
              **latency(39.0, 40.0, 42.5))
    m6 = dict(id=6, started_utc='2024-05-03T08:02:00.000Z', variant='dynamic', file_size_bytes=3600000,
              compression_ratio=3.89, agreement_top1=0.97, mse=0.0005, mae=0.01, max_abs_diff=0.125,
              **worker_memory(peak=6 * MIB, baseline=2 * MIB), **latency(70.0, 72.0, 75.0))
    run3 = dict(id=3, status='failed', error=ERROR_3, started_utc='2024-05-04T00:00:00.000Z',
                finished_utc='2024-05-04T00:00:02.000Z', model_group=GROUP_3, hostname='pi-kws')
    # Run 1 was stored by an edgebench without the worker (schema 1); runs 2 and 3 after the upgrade.
    return [(run1, [m1, m2, m3], 1), (run2, [m4, m5, m6], LATEST), (run3, [], LATEST)]


def fixture_b():
    run1 = dict(id=1, status='complete', started_utc='2024-05-02T12:00:00.000Z', model_group='mobilenet-v2',
                device_name='pi4-lab-7', hostname='raspberrypi')
    m1 = dict(id=1, started_utc='2024-05-02T12:00:01.000Z', variant='float32', is_reference=1, file_size_bytes=14000000,
              compression_ratio=1.0, num_images=100, top1=0.72, top5=0.91, peak_rss_bytes=60 * 1048576,
              **latency(250.0, 260.0, 270.0))
    m2 = dict(id=2, started_utc='2024-05-02T12:01:00.000Z', variant='int8', file_size_bytes=3500000, compression_ratio=4.0,
              num_images=100, top1=0.71, top5=0.90, agreement_top1=0.96, mse=0.001, mae=0.02, max_abs_diff=0.2,
              peak_rss_bytes=20 * 1048576, **latency(120.0, 125.0, 130.0))
    # A Pi that has only run the edgebench before the worker: its database is migrated, every row NULL
    # in the new columns.
    return [(run1, [m1, m2], 1)]
