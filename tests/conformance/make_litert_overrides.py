"""Records current LiteRT's outputs for shared conformance cases whose stored reference (an older TFLite,
tfjs-tflite 0.0.1-alpha.10) differs from it, into litert_overrides/<set>/<case>/expected_<j>.npy, where
run_conformance.py accepts them beside the stored reference. Only differing outputs are written.

  /opt/tfenv/bin/python tests/conformance/make_litert_overrides.py ../shared/conformance-zoo \
      tests/conformance/litert_overrides/conformance-zoo ../shared/models/zoo zoo-lstm-mnist-int8/1 ...
"""
import sys, os, glob, numpy as np
from ai_edge_litert.interpreter import Interpreter
shared, out_root, model_dir = sys.argv[1], sys.argv[2], sys.argv[3]
for case in sys.argv[4:]:
    stem = case.split('/')[0]
    it = Interpreter(model_path=os.path.join(model_dir, stem + '.tflite')); it.allocate_tensors()
    d = os.path.join(shared, case)
    ins = sorted(glob.glob(d + '/input_*.npy'), key=lambda f: int(f.split('_')[-1][:-4]))
    for i, det in enumerate(it.get_input_details()): it.set_tensor(det['index'], np.load(ins[i]))
    it.invoke()
    for j, det in enumerate(it.get_output_details()):
        y = it.get_tensor(det['index']); e = np.load(os.path.join(d, 'expected_%d.npy' % j))
        diff = float(np.max(np.abs(y.astype(np.float64) - e.astype(np.float64))))
        print(case, j, 'LiteRT vs stored reference: max diff', diff)
        if diff:
            os.makedirs(os.path.join(out_root, case), exist_ok=True)
            np.save(os.path.join(out_root, case, 'expected_%d.npy' % j), y)
