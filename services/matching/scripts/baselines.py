#!/usr/bin/env python3
"""Baselines for the matching benchmark: PostgreSQL pg_trgm (GIN index, ranked by similarity) and
RapidFuzz process.extractOne (WRatio), on the same names and queries as the Clarity matcher.

Usage: baselines.py --names names.tsv --queries queries.jsonl --out results.json [--skip-pg] [--skip-rapidfuzz]
names.tsv: supplier_id<TAB>name per line (primary names and aliases); queries.jsonl: {"n":..,"name":..} per line.
Installs what it needs idempotently (pip install rapidfuzz psycopg[binary]; apt-get install postgresql).
"""
import argparse, glob, json, os, shutil, socket, subprocess, sys, tempfile, time


def ensure_pip(module, package):
    try:
        __import__(module)
    except ImportError:
        subprocess.check_call([sys.executable, '-m', 'pip', 'install', '--quiet', package])


def free_port():
    s = socket.socket(); s.bind(('127.0.0.1', 0)); p = s.getsockname()[1]; s.close(); return p


def pg_bin():
    dirs = sorted(glob.glob('/usr/lib/postgresql/*/bin'))
    if not dirs:
        subprocess.check_call(['apt-get', 'install', '-y', '-q', 'postgresql'], stdout=subprocess.DEVNULL)
        dirs = sorted(glob.glob('/usr/lib/postgresql/*/bin'))
    return dirs[-1]


def run_pg(names, queries):
    ensure_pip('psycopg', 'psycopg[binary]')
    import psycopg
    bindir = pg_bin()
    root = tempfile.mkdtemp(prefix='clarity-pg-')
    data, sock = os.path.join(root, 'data'), os.path.join(root, 'sock')
    os.makedirs(sock)
    as_root = os.geteuid() == 0
    prefix = ['runuser', '-u', 'postgres', '--'] if as_root else []
    if as_root:
        shutil.chown(root, 'postgres'); shutil.chown(sock, 'postgres')
    subprocess.check_call(prefix + [f'{bindir}/initdb', '-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync'], stdout=subprocess.DEVNULL)
    port = free_port()
    subprocess.check_call(prefix + [f'{bindir}/pg_ctl', '-D', data, '-w', '-l', os.path.join(root, 'log'), '-o',
                                    f'-p {port} -k {sock} -c listen_addresses= -c shared_buffers=256MB -c work_mem=64MB', 'start'],
                          stdout=subprocess.DEVNULL)
    try:
        conn = psycopg.connect(host=sock, port=port, user='postgres', dbname='postgres', autocommit=True)
        cur = conn.cursor()
        cur.execute('CREATE EXTENSION pg_trgm')
        cur.execute('CREATE TABLE s (id text, name text)')
        t0 = time.perf_counter()
        with cur.copy('COPY s (id, name) FROM STDIN') as cp:
            for sid, name in names:
                cp.write_row((sid, name))
        cur.execute('CREATE INDEX s_name_trgm ON s USING gin (name gin_trgm_ops)')
        cur.execute('ANALYZE s')
        build = time.perf_counter() - t0
        cur.execute("SELECT current_setting('pg_trgm.similarity_threshold')")
        threshold = float(cur.fetchone()[0])
        out = []
        for q in queries:
            t = time.perf_counter()
            cur.execute('SELECT id, similarity(name, %s) AS sim FROM s WHERE name %% %s ORDER BY sim DESC LIMIT 25', (q['name'], q['name']))
            rows = cur.fetchall()
            ms = (time.perf_counter() - t) * 1000
            ids, scores = [], []
            for sid, sim in rows:
                if sid not in ids:
                    ids.append(sid); scores.append(float(sim))
            out.append({'n': q['n'], 'ids': ids[:5], 'scores': scores[:5], 'ms': ms})
        version = conn.info.server_version
        conn.close()
        return {'build_seconds': build, 'server_version': version, 'similarity_threshold': threshold, 'results': out}
    finally:
        subprocess.call(prefix + [f'{bindir}/pg_ctl', '-D', data, '-m', 'fast', 'stop'], stdout=subprocess.DEVNULL)
        shutil.rmtree(root, ignore_errors=True)


def run_rapidfuzz(names, queries):
    ensure_pip('rapidfuzz', 'rapidfuzz')
    import rapidfuzz
    from rapidfuzz import fuzz, process, utils
    t0 = time.perf_counter()
    ids = [sid for sid, _ in names]
    # Pre-processed once, as one would in production (default_process: lower-case, strip non-alphanumerics).
    choices = [utils.default_process(n) for _, n in names]
    build = time.perf_counter() - t0
    out = []
    for q in queries:
        query = utils.default_process(q['name'])
        t = time.perf_counter()
        best = process.extractOne(query, choices, scorer=fuzz.WRatio, processor=None)
        ms = (time.perf_counter() - t) * 1000
        top = process.extract(query, choices, scorer=fuzz.WRatio, processor=None, limit=25)
        got, scores = [], []
        if best is not None:
            got.append(ids[best[2]]); scores.append(best[1] / 100)
        for _, score, idx in top:
            if ids[idx] not in got:
                got.append(ids[idx]); scores.append(score / 100)
        out.append({'n': q['n'], 'ids': got[:5], 'scores': scores[:5], 'ms': ms})
    return {'build_seconds': build, 'version': rapidfuzz.__version__, 'scorer': 'WRatio', 'results': out}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--names', required=True)
    ap.add_argument('--queries', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--skip-pg', action='store_true')
    ap.add_argument('--skip-rapidfuzz', action='store_true')
    a = ap.parse_args()
    names = []
    with open(a.names, encoding='utf-8') as f:
        for line in f:
            sid, _, name = line.rstrip('\n').partition('\t')
            names.append((sid, name))
    with open(a.queries, encoding='utf-8') as f:
        queries = [json.loads(line) for line in f if line.strip()]
    result = {}
    if not a.skip_pg:
        result['pg_trgm'] = run_pg(names, queries)
    if not a.skip_rapidfuzz:
        result['rapidfuzz'] = run_rapidfuzz(names, queries)
    with open(a.out, 'w') as f:
        json.dump(result, f)


if __name__ == '__main__':
    main()
