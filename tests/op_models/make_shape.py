"""Operator test models of the shape and data-movement family (kernels/ops/data_movement), made with
TensorFlow's converter; outputs recorded from LiteRT. Run: /opt/tfenv/bin/python tests/op_models/make_shape.py"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tensorflow as tf  # noqa: E402
from oplib import Family, Spec  # noqa: E402

Q = ('float32', 'int8')
fam = Family('shape')
x4 = Spec((1, 6, 8, 4))
fam.add('split_axis1', lambda x: tf.split(x, 3, axis=1), [x4], modes=Q)
fam.add('split_last_int32', lambda x: tf.split(x, 2, axis=-1), [Spec((2, 3, 4), 'int32', -50, 50)])
fam.add('split_v_minus1', lambda x: tf.split(x, [2, -1, 1], axis=-1), [Spec((2, 5, 6))], modes=Q)
fam.add('unpack_axis1', lambda x: tf.unstack(x, axis=1), [Spec((2, 3, 4))], modes=Q)
fam.add('unpack_last_int32', lambda x: tf.unstack(x, axis=-1), [Spec((4, 2), 'int32', -9, 9)])
fam.add('pack_axis1', lambda x, y: tf.stack([x, y, x], axis=1), [Spec((2, 3)), Spec((2, 3))], modes=Q)
fam.add('pack_int32_last', lambda x, y: tf.stack([x, y], axis=-1), [Spec((3, 2), 'int32', -9, 9), Spec((3, 2), 'int32', -9, 9)])
fam.add('pack_int64', lambda x, y: tf.stack([x, y], axis=0), [Spec((3,), 'int64', -9, 9), Spec((3,), 'int64', -9, 9)])
fam.add('cast_f32_s32', lambda x: tf.cast(x, tf.int32), [Spec((3, 5), lo=-20, hi=20)])
fam.add('cast_s32_f32', lambda x: tf.cast(x, tf.float32), [Spec((3, 5), 'int32', -1000, 1000)])
fam.add('cast_s64_s32', lambda x: tf.cast(x, tf.int32), [Spec((7,), 'int64', -1000, 1000)])
fam.add('cast_s32_s64', lambda x: tf.cast(x, tf.int64), [Spec((7,), 'int32', -1000, 1000)])
fam.add('cast_f32_u8', lambda x: tf.cast(x, tf.uint8), [Spec((3, 5), lo=0, hi=250)])
fam.add('cast_f32_s8', lambda x: tf.cast(x, tf.int8), [Spec((3, 5), lo=-120, hi=120)])
fam.add('cast_bool_f32', lambda x: tf.cast(x, tf.float32), [Spec((3, 5), 'bool')])
fam.add('cast_f32_bool', lambda x: tf.cast(tf.cast(x, tf.bool), tf.int32), [Spec((3, 5), lo=-1, hi=1)])
fam.add('cast_s32_f32_s16', lambda x: tf.cast(tf.cast(x, tf.int16), tf.float32), [Spec((9,), 'int32', -30000, 30000)])
fam.add('strided_slice_basic', lambda x: x[:, 1:5:2, ::-1, 1:], [x4], modes=Q)
fam.add('strided_slice_shrink', lambda x: x[:, 2, -3:, 0], [x4], modes=Q)
fam.add('strided_slice_neg_stride', lambda x: x[:, -1:0:-2, 6:1:-3], [Spec((2, 7, 8))], modes=Q)
fam.add('strided_slice_newaxis', lambda x: x[:, tf.newaxis, 1:3, ...], [Spec((2, 5, 3))])
fam.add('strided_slice_ellipsis', lambda x: x[..., 1:3], [Spec((2, 5, 3, 4))])
fam.add('strided_slice_int32', lambda x: x[1:, ::2], [Spec((3, 6), 'int32', -9, 9)])
fam.add('slice_minus1', lambda x: tf.slice(x, [0, 1, 2, 0], [-1, 3, -1, 2]), [x4], modes=Q)
fam.add('transpose_nhwc_nchw', lambda x: tf.transpose(x, [0, 3, 1, 2]), [Spec((1, 12, 20, 16))], modes=Q)
fam.add('transpose_rank3', lambda x: tf.transpose(x, [2, 0, 1]), [Spec((3, 4, 5))], modes=Q)
fam.add('transpose_rank5', lambda x: tf.transpose(x, [0, 4, 2, 3, 1]), [Spec((2, 3, 2, 3, 4))])
fam.add('transpose_rank6', lambda x: tf.transpose(x, [5, 1, 3, 2, 4, 0]), [Spec((2, 1, 3, 2, 2, 3))])
fam.add('gather_const_axis1', lambda x: tf.gather(x, [3, 0, 3, 1], axis=1), [Spec((2, 5, 3))], modes=Q)
fam.add('gather_input_idx', lambda x, i: tf.gather(x, i, axis=0), [Spec((6, 4)), Spec((2, 3), 'int32', 0, 5)])
fam.add('gather_input_idx64', lambda x, i: tf.gather(x, i, axis=-1), [Spec((3, 6)), Spec((4,), 'int64', 0, 5)])
fam.add('gather_batch_dims', lambda x, i: tf.gather(x, i, axis=2, batch_dims=1),
        [Spec((2, 3, 5)), Spec((2, 4), 'int32', 0, 4)])
fam.add('gather_nd_const', lambda x: tf.gather_nd(x, [[0, 1], [1, 3], [0, 0]]), [Spec((2, 4, 3))], modes=Q)
fam.add('gather_nd_input', lambda x, i: tf.gather_nd(x, i), [Spec((3, 4, 2)), Spec((5, 3), 'int32', 0, 1)])
fam.add('tile', lambda x: tf.tile(x, [2, 1, 3]), [Spec((2, 3, 4))], modes=Q)
fam.add('tile_int32', lambda x: tf.tile(x, [3, 2]), [Spec((2, 3), 'int32', -9, 9)])
fam.add('fill', lambda v: tf.fill([2, 3], v), [Spec(())])
fam.add('space_to_depth', lambda x: tf.nn.space_to_depth(x, 2), [Spec((1, 4, 6, 3))], modes=Q)
fam.add('depth_to_space', lambda x: tf.nn.depth_to_space(x, 2), [Spec((1, 2, 3, 8))], modes=Q)
fam.add('space_to_batch_nd', lambda x: tf.space_to_batch_nd(x, [2, 2], [[1, 1], [0, 2]]), [Spec((1, 4, 4, 3))], modes=Q)
fam.add('batch_to_space_nd', lambda x: tf.compat.v1.batch_to_space_nd(x, [2, 2], [[0, 1], [1, 0]]), [Spec((4, 2, 3, 2))],
        modes=Q)
fam.add('mirror_pad_reflect', lambda x: tf.pad(x, [[0, 0], [1, 2], [2, 1], [0, 0]], mode='REFLECT'), [x4], modes=Q)
fam.add('mirror_pad_symmetric', lambda x: tf.pad(x, [[0, 0], [2, 1], [0, 3], [1, 0]], mode='SYMMETRIC'), [x4], modes=Q)
fam.add('padv2', lambda x: tf.pad(x, [[0, 0], [1, 2], [0, 1], [0, 0]], constant_values=0.5), [x4], modes=Q)
# Other element types (bool, int64, int32) through the type-agnostic copies and casts.
fam.add('transpose_bool', lambda x: tf.transpose(x, [1, 0]), [Spec((3, 4), 'bool')])
fam.add('gather_bool', lambda x: tf.gather(x, [2, 0], axis=1), [Spec((2, 3), 'bool')])
fam.add('tile_bool', lambda x: tf.tile(x, [2, 2]), [Spec((2, 3), 'bool')])
fam.add('strided_slice_int64', lambda x: x[::2], [Spec((7,), 'int64', -99, 99)])
fam.add('gather_nd_idx64', lambda x, i: tf.gather_nd(x, i), [Spec((3, 4)), Spec((5, 2), 'int64', 0, 2)])
fam.add('mirror_pad_int32', lambda x: tf.pad(x, [[1, 1], [2, 0]], mode='REFLECT'), [Spec((3, 4), 'int32', -9, 9)])
fam.add('padv2_int32', lambda x: tf.pad(x, [[1, 0], [0, 2]], constant_values=7), [Spec((2, 3), 'int32', -9, 9)])
fam.add('cast_s64_f32', lambda x: tf.cast(x, tf.float32), [Spec((5,), 'int64', -1000, 1000)])
fam.add('cast_f32_s64', lambda x: tf.cast(x, tf.int64), [Spec((5,), lo=-1000, hi=1000)])
fam.add('cast_s32_bool', lambda x: tf.cast(tf.cast(x, tf.bool), tf.float32), [Spec((6,), 'int32', -2, 2)])
fam.write()


def add_dynamic_batch_case():
    """SHAPE only survives conversion when a dimension is unknown: a batch-None model whose reshape target
    comes from SHAPE -> STRIDED_SLICE -> PACK (edgebench folds that chain at prepare). oplib's specs are
    static, so this one case is written here, in the same layout, at the model's stored shape [1, 6]."""
    import json
    import numpy as np
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError:
        Interpreter = tf.lite.Interpreter

    @tf.function(input_signature=[tf.TensorSpec((None, 6), tf.float32)])
    def f(x):
        s = tf.shape(x)
        return tf.reshape(x, tf.stack([s[0], 2, 3])) * 2.0

    stem = 'shape_dynamic_batch-float32'
    blob = tf.lite.TFLiteConverter.from_concrete_functions([f.get_concrete_function()]).convert()
    with open(os.path.join(fam.dir, stem + '.tflite'), 'wb') as fh:
        fh.write(blob)
    it = Interpreter(model_path=os.path.join(fam.dir, stem + '.tflite'))
    it.allocate_tensors()
    rng = np.random.default_rng(7)
    cases_path = os.path.join(fam.dir, 'cases.json')
    entries = json.load(open(cases_path))
    for k in range(2):
        case = '%s/%d' % (stem, k)
        os.makedirs(os.path.join(fam.dir, case))
        x = rng.uniform(-1, 1, (1, 6)).astype(np.float32)
        it.set_tensor(it.get_input_details()[0]['index'], x)
        it.invoke()
        y = it.get_tensor(it.get_output_details()[0]['index'])
        np.save(os.path.join(fam.dir, case, 'input_0.npy'), x)
        np.save(os.path.join(fam.dir, case, 'expected_0.npy'), y)
        entries.append({'model': stem + '.tflite', 'case': case, 'kind': 'float32', 'input': 'random',
                        'outputs': [{'dtype': str(y.dtype), 'shape': list(y.shape), 'tolerance_abs': 1e-4,
                                     'argmax_must_match': False}]})
    with open(cases_path, 'w') as fh:
        json.dump(entries, fh, indent=1)
    print('%s: 2 cases' % stem)


add_dynamic_batch_case()
