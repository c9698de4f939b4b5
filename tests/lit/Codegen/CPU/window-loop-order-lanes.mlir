// RUN: dlc-opt %s -dlc-window-loop-order='lanes=8' -split-input-file | FileCheck %s

// Tests that register blocks follow the target's vector width: with 8
// lanes (AVX2) a long row is blocked 4 channels x 16 pixels instead of
// AVX-512's 4 x 32.
// CHECK-LABEL: func.func @blocked
// CHECK: tensor.extract_slice %{{.*}} [1, 4, 1, 16] [1, 1, 1, 1]
// CHECK: arith.mulf %{{.*}}, %{{.*}} : vector<4x16xf32>
func.func @blocked(%x: tensor<?x8x66x66xf32>, %w: tensor<16x8x3x3xf32>, %o: tensor<?x16x64x64xf32>) -> tensor<?x16x64x64xf32> {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<?x8x66x66xf32>, tensor<16x8x3x3xf32>) outs(%o : tensor<?x16x64x64xf32>) -> tensor<?x16x64x64xf32>
  return %0 : tensor<?x16x64x64xf32>
}

// -----
// Tests that a row of 24 pixels, too short for AVX-512's direct blocks
// (32), is long enough for two 8-lane vectors: blocked directly, 4 x 8.
// CHECK-LABEL: func.func @row_of_24
// CHECK-NOT: tensor.collapse_shape
// CHECK: tensor.extract_slice %{{.*}} [1, 4, 1, 8] [1, 1, 1, 1]
// CHECK: arith.mulf %{{.*}}, %{{.*}} : vector<4x8xf32>
func.func @row_of_24(%x: tensor<?x8x26x26xf32>, %w: tensor<16x8x3x3xf32>, %o: tensor<?x16x24x24xf32>) -> tensor<?x16x24x24xf32> {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<?x8x26x26xf32>, tensor<16x8x3x3xf32>) outs(%o : tensor<?x16x24x24xf32>) -> tensor<?x16x24x24xf32>
  return %0 : tensor<?x16x24x24xf32>
}

// -----
// Tests that im2col's pixels split at whole 8-lane vectors: 5x5 = 25 =
// 24 + 1 (with 16 lanes it would be 16 + 9).
// CHECK-LABEL: func.func @remainder
// CHECK: tensor.extract_slice %{{.*}}[0, 0, 0] [%{{.*}}, 72, 24] [1, 1, 1]
// CHECK: tensor.insert_slice %{{.*}}[0, 0, 24] [%{{.*}}, 8, 1] [1, 1, 1]
func.func @remainder(%x: tensor<?x8x7x7xf32>, %w: tensor<8x8x3x3xf32>, %o: tensor<?x8x5x5xf32>) -> tensor<?x8x5x5xf32> {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<?x8x7x7xf32>, tensor<8x8x3x3xf32>) outs(%o : tensor<?x8x5x5xf32>) -> tensor<?x8x5x5xf32>
  return %0 : tensor<?x8x5x5xf32>
}
