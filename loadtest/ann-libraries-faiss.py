#!/usr/bin/python3
"""The faiss leg of `npm run bench:ann-libraries` (loadtest/ann-libraries.ts).

faiss-node cannot be installed here (its install fetches prebuilt binaries or faiss's sources from
GitHub), so faiss itself is measured through Debian's python3-faiss (1.7.3, CPU, OpenMP) on the same
vectors: base.f32 and queries.f32 (float32, row after row) in the folder given. Prints one JSON line
per index kind. One thread, as the other libraries are measured.
"""
import json
import os
import sys
import time

import faiss
import numpy as np


def measure(kind, base, queries, args):
    dims = base.shape[1]
    if kind == 'hnsw-flat':
        index = faiss.IndexHNSWFlat(dims, args['m'], faiss.METRIC_INNER_PRODUCT)
    else:
        index = faiss.IndexHNSWSQ(dims, faiss.ScalarQuantizer.QT_8bit, args['m'], faiss.METRIC_INNER_PRODUCT)
        index.train(base)
    index.hnsw.efConstruction = args['efConstruction']
    started = time.perf_counter()
    index.add(base)
    build_s = time.perf_counter() - started
    index.hnsw.efSearch = args['efSearch']
    path = os.path.join(args['dir'], f'faiss-{kind}.index')
    faiss.write_index(index, path)
    index_bytes = os.path.getsize(path)
    os.remove(path)
    ids = []
    times = []
    for q in queries:
        started = time.perf_counter()
        _, found = index.search(q.reshape(1, -1), args['k'])
        times.append((time.perf_counter() - started) * 1000)
        ids.append([int(x) for x in found[0]])
    return {'library': 'faiss ' + faiss.__version__ + ' (python3-faiss)', 'kind': kind, 'buildSeconds': build_s, 'indexBytes': index_bytes, 'searchMs': times, 'ids': ids}


def main():
    args = json.loads(sys.argv[1])
    faiss.omp_set_num_threads(1)
    dims = args['dims']
    base = np.fromfile(os.path.join(args['dir'], 'base.f32'), dtype=np.float32).reshape(-1, dims)
    queries = np.fromfile(os.path.join(args['dir'], 'queries.f32'), dtype=np.float32).reshape(-1, dims)
    for kind in ('hnsw-flat', 'hnsw-sq8'):
        print(json.dumps(measure(kind, base, queries, args)), flush=True)


main()
