// RUN: dlc-opt %s -dlc-window-loop-order -split-input-file | FileCheck %s

// Tests that a convolution with long output rows becomes a generic whose
// loops are (n, f, c, kh, kw, oh, ow): the output row innermost.
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d2, d5 + d3, d6 + d4)>
// CHECK-DAG: #[[W:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d1, d2, d3, d4)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d5, d6)>
// CHECK-LABEL: func.func @long_rows
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[W]], #[[OUT]]], iterator_types = ["parallel", "parallel", "reduction", "reduction", "reduction", "parallel", "parallel"]}
func.func @long_rows(%x: tensor<?x8x66x66xf32>, %w: tensor<16x8x3x3xf32>, %o: tensor<?x16x64x64xf32>) -> tensor<?x16x64x64xf32> {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<?x8x66x66xf32>, tensor<16x8x3x3xf32>) outs(%o : tensor<?x16x64x64xf32>) -> tensor<?x16x64x64xf32>
  return %0 : tensor<?x16x64x64xf32>
}

// -----
// Tests that a convolution with short rows becomes im2col (a copy of the
// strided patches into [N, C*KH*KW, OH*OW]) and a contraction with loops
// (n, f, k, p): all the output pixels innermost. The batch stays dynamic.
// CHECK-DAG: #[[PATCH:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d4 * 2 + d2, d5 * 2 + d3)>
// CHECK-DAG: #[[WK:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, d2)>
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>
// CHECK-DAG: #[[ACC:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-LABEL: func.func @short_rows
func.func @short_rows(%x: tensor<?x8x17x17xf32>, %w: tensor<16x8x3x3xf32>, %o: tensor<?x16x8x8xf32>) -> tensor<?x16x8x8xf32> {
  // CHECK: %[[P:.*]] = linalg.generic {indexing_maps = [#[[PATCH]], {{.*}}]{{.*}} outs(%{{.*}} : tensor<?x8x3x3x8x8xf32>)
  // CHECK: %[[C:.*]] = tensor.collapse_shape %[[P]] {{\[}}[0], [1, 2, 3], [4, 5]] : tensor<?x8x3x3x8x8xf32> into tensor<?x72x64xf32>
  // CHECK: %[[WF:.*]] = tensor.collapse_shape %{{.*}} {{\[}}[0], [1, 2, 3]] : tensor<16x8x3x3xf32> into tensor<16x72xf32>
  // CHECK: %[[R:.*]] = linalg.generic {indexing_maps = [#[[WK]], #[[COL]], #[[ACC]]], iterator_types = ["parallel", "parallel", "reduction", "parallel"]} ins(%[[WF]], %[[C]] : tensor<16x72xf32>, tensor<?x72x64xf32>)
  // CHECK: tensor.expand_shape %[[R]] {{\[}}[0], [1], [2, 3]] {{.*}} : tensor<?x16x64xf32> into tensor<?x16x8x8xf32>
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%x, %w : tensor<?x8x17x17xf32>, tensor<16x8x3x3xf32>) outs(%o : tensor<?x16x8x8xf32>) -> tensor<?x16x8x8xf32>
  return %0 : tensor<?x16x8x8xf32>
}

// -----
// Tests that pooling puts its window loops outside the output row too.
// CHECK-LABEL: func.func @pool
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction", "reduction", "parallel", "parallel"]
// CHECK: arith.maximumf
func.func @pool(%x: tensor<?x8x64x64xf32>, %k: tensor<2x2xf32>, %o: tensor<?x8x32x32xf32>) -> tensor<?x8x32x32xf32> {
  %0 = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%x, %k : tensor<?x8x64x64xf32>, tensor<2x2xf32>) outs(%o : tensor<?x8x32x32xf32>) -> tensor<?x8x32x32xf32>
  return %0 : tensor<?x8x32x32xf32>
}
