// RUN: dlc-opt %s -convert-dl-to-linalg -cse -split-input-file -verify-diagnostics | FileCheck %s

// Tests that conv2d pads by inserting the input into a zero tensor, starts
// from the bias and becomes linalg.conv_2d_nchw_fchw; the batch stays dynamic.
// CHECK-LABEL: func.func @conv
// CHECK-SAME: (%[[X:.*]]: tensor<?x3x8x8xf32>, %[[W:.*]]: tensor<4x3x3x3xf32>, %[[B:.*]]: tensor<4xf32>)
func.func @conv(%x: tensor<?x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<?x4x4x4xf32> {
  // CHECK: %[[N:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x3x8x8xf32>
  // CHECK: %[[ZERO:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<?x3x10x10xf32>)
  // CHECK: %[[PAD:.*]] = tensor.insert_slice %[[X]] into %[[ZERO]][0, 0, 1, 1] [%{{.*}}, 3, 8, 8] [1, 1, 1, 1]
  // CHECK: %[[INIT:.*]] = linalg.generic {{.*}} ins(%[[B]] : tensor<4xf32>) outs(%{{.*}} : tensor<?x4x4x4xf32>)
  // CHECK: linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%[[PAD]], %[[W]] : tensor<?x3x10x10xf32>, tensor<4x3x3x3xf32>) outs(%[[INIT]] : tensor<?x4x4x4xf32>)
  %0 = dl.conv2d %x, %w, %b {padding = array<i64: 1, 1>, stride = array<i64: 2, 2>} : tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32> -> tensor<?x4x4x4xf32>
  return %0 : tensor<?x4x4x4xf32>
}

// -----
// Tests that groups become linalg.conv_2d_ngchw_gfchw on expanded shapes:
// PyTorch's weight [F, C/G, k, k] is [G, F/G, C/G, k, k] in gfchw order.
// CHECK-LABEL: func.func @grouped
func.func @grouped(%x: tensor<?x4x6x6xf32>, %w: tensor<8x2x3x3xf32>) -> tensor<?x8x4x4xf32> {
  // CHECK: tensor.expand_shape %{{.*}} {{\[}}[0], [1, 2], [3], [4]] {{.*}} : tensor<?x4x6x6xf32> into tensor<?x2x2x6x6xf32>
  // CHECK: tensor.expand_shape %{{.*}} {{\[}}[0, 1], [2], [3], [4]] {{.*}} : tensor<8x2x3x3xf32> into tensor<2x4x2x3x3xf32>
  // CHECK: %[[C:.*]] = linalg.conv_2d_ngchw_gfchw {{.*}} -> tensor<?x2x4x4x4xf32>
  // CHECK: tensor.collapse_shape %[[C]] {{\[}}[0], [1, 2], [3], [4]] : tensor<?x2x4x4x4xf32> into tensor<?x8x4x4xf32>
  %0 = dl.conv2d %x, %w {groups = 2 : i64} : tensor<?x4x6x6xf32>, tensor<8x2x3x3xf32> -> tensor<?x8x4x4xf32>
  return %0 : tensor<?x8x4x4xf32>
}

// -----
// Tests that an up-convolution (kernel = stride, no padding) is one
// contraction over channels into [N, F, k, k, H, W] (loops (n, f, i, j, c,
// h, w): the weights' (f, i, j) and the input's pixels contiguous), started
// from the bias, then interleaved into [N, F, H, k, W, k] and reshaped.
// CHECK-DAG: #[[SWAP:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d3, d5, d2, d4)>
// CHECK-LABEL: func.func @upconv
func.func @upconv(%x: tensor<?x8x4x4xf32>, %w: tensor<8x3x2x2xf32>, %b: tensor<3xf32>) -> tensor<?x3x8x8xf32> {
  // CHECK: %[[BIAS:.*]] = linalg.generic {{.*}} ins(%arg2 : tensor<3xf32>) outs(%{{.*}} : tensor<?x3x2x2x4x4xf32>)
  // CHECK: %[[T:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "parallel", "parallel"]} ins(%{{.*}}, %{{.*}} : tensor<?x8x4x4xf32>, tensor<8x3x2x2xf32>) outs(%[[BIAS]] : tensor<?x3x2x2x4x4xf32>)
  // CHECK: %[[U:.*]] = linalg.generic {indexing_maps = [#[[SWAP]], {{.*}}]{{.*}} ins(%[[T]] : tensor<?x3x2x2x4x4xf32>) outs(%{{.*}} : tensor<?x3x4x2x4x2xf32>)
  // CHECK: tensor.collapse_shape %[[U]] {{\[}}[0], [1], [2, 3], [4, 5]] : tensor<?x3x4x2x4x2xf32> into tensor<?x3x8x8xf32>
  %0 = dl.conv_transpose2d %x, %w, %b {stride = array<i64: 2, 2>} : tensor<?x8x4x4xf32>, tensor<8x3x2x2xf32>, tensor<3xf32> -> tensor<?x3x8x8xf32>
  return %0 : tensor<?x3x8x8xf32>
}

// -----
// Tests the general transposed convolution: the input spread out by the
// stride (a strided insert into zeros, padded by k-1-pad) and a convolution
// with the kernel flipped and its channel dimensions swapped.
// CHECK-DAG: #[[FLIP:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, d0, -d2 + 2, -d3 + 2)>
// CHECK-LABEL: func.func @convt
func.func @convt(%x: tensor<?x8x6x6xf32>, %w: tensor<8x6x3x3xf32>) -> tensor<?x6x11x11xf32> {
  // CHECK: %[[S:.*]] = tensor.insert_slice %{{.*}} into %{{.*}}[0, 0, 1, 1] [%{{.*}}, 8, 6, 6] [1, 1, 2, 2] : tensor<?x8x6x6xf32> into tensor<?x8x13x13xf32>
  // CHECK: %[[F:.*]] = linalg.generic {indexing_maps = [#[[FLIP]], {{.*}}]{{.*}} ins(%{{.*}} : tensor<8x6x3x3xf32>) outs(%{{.*}} : tensor<6x8x3x3xf32>)
  // CHECK: linalg.conv_2d_nchw_fchw {{.*}} ins(%[[S]], %[[F]] : tensor<?x8x13x13xf32>, tensor<6x8x3x3xf32>)
  %0 = dl.conv_transpose2d %x, %w {stride = array<i64: 2, 2>, padding = array<i64: 1, 1>} : tensor<?x8x6x6xf32>, tensor<8x6x3x3xf32> -> tensor<?x6x11x11xf32>
  return %0 : tensor<?x6x11x11xf32>
}

// -----
// Tests that dense is linalg.matmul_transpose_b (PyTorch's [out, in]
// weight) starting from zeros when there is no bias.
// CHECK-LABEL: func.func @dense
func.func @dense(%x: tensor<?x16xf32>, %w: tensor<10x16xf32>) -> tensor<?x10xf32> {
  // CHECK: %[[Z:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<?x10xf32>)
  // CHECK: linalg.matmul_transpose_b ins(%{{.*}}, %{{.*}} : tensor<?x16xf32>, tensor<10x16xf32>) outs(%[[Z]] : tensor<?x10xf32>)
  %0 = dl.dense %x, %w : tensor<?x16xf32>, tensor<10x16xf32> -> tensor<?x10xf32>
  return %0 : tensor<?x10xf32>
}

// -----
// Tests that inference batchnorm normalises with the running statistics,
// per channel: (x - mean) * (weight / sqrt(var + eps)) + bias.
// CHECK-LABEL: func.func @batchnorm
func.func @batchnorm(%x: tensor<?x4x2x2xf32>, %s: tensor<4xf32>) -> tensor<?x4x2x2xf32> {
  // CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<?x4x2x2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
  // CHECK: ^bb0(%[[IN:.*]]: f32, %[[W:.*]]: f32, %[[B:.*]]: f32, %[[M:.*]]: f32, %[[V:.*]]: f32, %{{.*}}: f32):
  // CHECK:   %[[EPS:.*]] = arith.constant 9.99999974E-6 : f32
  // CHECK:   %[[VE:.*]] = arith.addf %[[V]], %[[EPS]]
  // CHECK:   %[[SQ:.*]] = math.sqrt %[[VE]]
  // CHECK:   %[[SC:.*]] = arith.divf %[[W]], %[[SQ]]
  // CHECK:   %[[C:.*]] = arith.subf %[[IN]], %[[M]]
  // CHECK:   %[[Y:.*]] = arith.mulf %[[C]], %[[SC]]
  // CHECK:   arith.addf %[[Y]], %[[B]]
  %0 = dl.batchnorm %x, %s, %s, %s, %s : tensor<?x4x2x2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
  return %0 : tensor<?x4x2x2xf32>
}

// -----
// Tests that training-mode batchnorm is left to the training pipeline.
func.func @batchnorm_training(%x: tensor<?x4xf32>, %s: tensor<4xf32>) -> tensor<?x4xf32> {
  // expected-error@+1 {{failed to legalize operation 'dl.batchnorm'}}
  %0 = dl.batchnorm %x, %s, %s, %s, %s {training} : tensor<?x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
  return %0 : tensor<?x4xf32>
}

// -----
// Tests that winograd_filter is G w G^T as one matrix product of the
// constant G[a, i] G[b, j] ([16, 9]) and the kernel gathered to
// [3 * 3, F * C], and that winograd_conv2d is its reference form: one
// linalg.generic marked dl.winograd over (n, f, oy, ox, c, a, b, i, j) that
// starts from the bias, reads At at each output's position in its 2x2
// block and the input patch of the block, padded by 1 and to whole blocks
// (a 9x7 output needs 12x10 rows and columns: one more of each).
// CHECK-DAG: #[[AT_Y:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7, d8) -> (d2 mod 2, d5)>
// CHECK-DAG: #[[AT_X:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7, d8) -> (d3 mod 2, d6)>
// CHECK-DAG: #[[PATCH:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7, d8) -> (d0, d4, (d2 floordiv 2) * 2 + d7, (d3 floordiv 2) * 2 + d8)>
// CHECK-LABEL: func.func @winograd
func.func @winograd(%x: tensor<?x4x9x7xf32>, %w: tensor<8x4x3x3xf32>, %b: tensor<8xf32>)
    -> tensor<?x8x9x7xf32> {
  // CHECK: %[[K:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<8x4x3x3xf32>) outs(%{{.*}} : tensor<3x3x8x4xf32>)
  // CHECK: %[[ROWS:.*]] = tensor.collapse_shape %[[K]] {{\[}}[0, 1], [2, 3]] : tensor<3x3x8x4xf32> into tensor<9x32xf32>
  // CHECK: %[[P:.*]] = linalg.matmul ins(%{{.*}}, %[[ROWS]] : tensor<16x9xf32>, tensor<9x32xf32>)
  // CHECK: %[[U:.*]] = tensor.expand_shape %[[P]] {{\[}}[0], [1, 2]] output_shape [16, 8, 4]
  %u = dl.winograd_filter %w : tensor<8x4x3x3xf32> -> tensor<16x8x4xf32>
  // CHECK: %[[PAD:.*]] = tensor.insert_slice %{{.*}} into %{{.*}}[0, 0, 1, 1] [%{{.*}}, 4, 9, 7] [1, 1, 1, 1] : tensor<?x4x9x7xf32> into tensor<?x4x12x10xf32>
  // CHECK: %[[INIT:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<8xf32>)
  // CHECK: linalg.generic {indexing_maps = [#[[AT_Y]], #[[AT_X]], {{.*}}, #[[PATCH]], {{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "reduction", "reduction"]} ins(%{{.*}}, %{{.*}}, %[[U]], %{{.*}}, %{{.*}}, %[[PAD]] : tensor<2x4xf32>, tensor<2x4xf32>, tensor<16x8x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<?x4x12x10xf32>) outs(%[[INIT]] : tensor<?x8x9x7xf32>) attrs = {dl.winograd}
  %y = dl.winograd_conv2d %x, %u, %b {padding = array<i64: 1, 1>}
      : tensor<?x4x9x7xf32>, tensor<16x8x4xf32>, tensor<8xf32> -> tensor<?x8x9x7xf32>
  return %y : tensor<?x8x9x7xf32>
}

// -----
// Tests that transpose is linalg.transpose and that matmul with a bias
// starts from the bias broadcast along the rows.
// CHECK-LABEL: func.func @transposed_dense
func.func @transposed_dense(%x: tensor<?x64xf32>, %w: tensor<32x64xf32>, %b: tensor<32xf32>)
    -> tensor<?x32xf32> {
  // CHECK: %[[WT:.*]] = linalg.transpose ins(%{{.*}} : tensor<32x64xf32>) outs(%{{.*}} : tensor<64x32xf32>) permutation = [1, 0]
  %wt = dl.transpose %w : tensor<32x64xf32> -> tensor<64x32xf32>
  // CHECK: %[[INIT:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<32xf32>) outs(%{{.*}} : tensor<?x32xf32>)
  // CHECK: linalg.matmul ins(%{{.*}}, %[[WT]] : tensor<?x64xf32>, tensor<64x32xf32>) outs(%[[INIT]] : tensor<?x32xf32>)
  %y = dl.matmul %x, %wt, %b : tensor<?x64xf32>, tensor<64x32xf32>, tensor<32xf32> -> tensor<?x32xf32>
  return %y : tensor<?x32xf32>
}

// -----
// Tests that a transposed winograd_filter gathers the kernel flipped with
// its channels swapped.
// CHECK-DAG: #[[FLIP:.*]] = affine_map<(d0, d1, d2, d3) -> (d3, d2, -d0 + 2, -d1 + 2)>
// CHECK-LABEL: func.func @winograd_transposed
func.func @winograd_transposed(%w: tensor<8x4x3x3xf32>) -> tensor<16x4x8xf32> {
  // CHECK: linalg.generic {indexing_maps = [#[[FLIP]], {{.*}}]{{.*}} ins(%{{.*}} : tensor<8x4x3x3xf32>) outs(%{{.*}} : tensor<3x3x4x8xf32>)
  // CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<16x9xf32>, tensor<9x32xf32>)
  // CHECK: tensor.expand_shape %{{.*}} output_shape [16, 4, 8]
  %u = dl.winograd_filter %w {transposed} : tensor<8x4x3x3xf32> -> tensor<16x4x8xf32>
  return %u : tensor<16x4x8xf32>
}
