// RUN: dlc-opt %s --convert-dl-to-linalg | FileCheck %s

// Tests that dl.fold_batchnorm lowers to PyTorch's fuse_conv_bn_weights:
// s = gamma / sqrt(var + eps) per channel, weight * s along the weight's
// first (output-channel) dimension, (bias - mean) * s + beta.

// CHECK-DAG: #[[ID1:.*]] = affine_map<(d0) -> (d0)>
// CHECK-DAG: #[[ID4:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[F:.*]] = affine_map<(d0, d1, d2, d3) -> (d0)>
// CHECK-LABEL: func.func @fold(
// CHECK: %[[S:.*]] = linalg.generic {indexing_maps = [#[[ID1]], #[[ID1]], #[[ID1]]]{{.*}} ins(%arg2, %arg5 :
// CHECK: arith.addf
// CHECK: math.sqrt
// CHECK: arith.divf
// CHECK: %[[W:.*]] = linalg.generic {indexing_maps = [#[[ID4]], #[[F]], #[[ID4]]]{{.*}} ins(%arg0, %[[S]] :
// CHECK: arith.mulf
// CHECK: %[[B:.*]] = linalg.generic {{.*}} ins(%arg4, %[[S]], %arg3, %arg1 :
// CHECK: ^bb0(%[[MEAN:.*]]: f32, %[[SC:.*]]: f32, %[[BETA:.*]]: f32, %[[BIAS:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[C:.*]] = arith.subf %[[BIAS]], %[[MEAN]]
// CHECK: %[[M:.*]] = arith.mulf %[[C]], %[[SC]]
// CHECK: arith.addf %[[M]], %[[BETA]]
// CHECK: return %[[W]], %[[B]]
func.func @fold(%w: tensor<8x3x3x3xf32>, %b: tensor<8xf32>, %g: tensor<8xf32>,
                %beta: tensor<8xf32>, %m: tensor<8xf32>, %v: tensor<8xf32>)
    -> (tensor<8x3x3x3xf32>, tensor<8xf32>) {
  %0, %1 = dl.fold_batchnorm %w, %b, %g, %beta, %m, %v {eps = 1.0e-05 : f64}
      : tensor<8x3x3x3xf32>, tensor<8xf32>, tensor<8xf32>
  return %0, %1 : tensor<8x3x3x3xf32>, tensor<8xf32>
}
