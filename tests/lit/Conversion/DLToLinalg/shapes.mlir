// RUN: dlc-opt %s -convert-dl-to-linalg -cse -split-input-file | FileCheck %s

// Tests that max pooling pads with -inf and starts from -inf.
// CHECK-LABEL: func.func @maxpool
func.func @maxpool(%x: tensor<?x6x11x11xf32>) -> tensor<?x6x6x6xf32> {
  // CHECK: %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
  // CHECK: %[[P:.*]] = linalg.fill ins(%[[NEGINF]] : f32) outs(%{{.*}} : tensor<?x6x13x13xf32>)
  // CHECK: %[[X:.*]] = tensor.insert_slice %{{.*}} into %[[P]][0, 0, 1, 1]
  // CHECK: %[[INIT:.*]] = linalg.fill ins(%[[NEGINF]] : f32) outs(%{{.*}} : tensor<?x6x6x6xf32>)
  // CHECK: linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%[[X]], %{{.*}} : tensor<?x6x13x13xf32>, tensor<3x3xf32>) outs(%[[INIT]] : tensor<?x6x6x6xf32>)
  %0 = dl.maxpool2d %x {kernel = array<i64: 3, 3>, stride = array<i64: 2, 2>, padding = array<i64: 1, 1>} : tensor<?x6x11x11xf32> -> tensor<?x6x6x6xf32>
  return %0 : tensor<?x6x6x6xf32>
}

// -----
// Tests that average pooling sums and divides by the whole window (PyTorch's
// count_include_pad=True).
// CHECK-LABEL: func.func @avgpool
func.func @avgpool(%x: tensor<?x2x4x4xf32>) -> tensor<?x2x4x4xf32> {
  // CHECK: %[[S:.*]] = linalg.pooling_nchw_sum
  // CHECK: linalg.generic {{.*}} ins(%[[S]] : tensor<?x2x4x4xf32>)
  // CHECK: %[[NINE:.*]] = arith.constant 9.000000e+00 : f32
  // CHECK: arith.divf %{{.*}}, %[[NINE]]
  %0 = dl.avgpool2d %x {kernel = array<i64: 3, 3>, stride = array<i64: 1, 1>, padding = array<i64: 1, 1>} : tensor<?x2x4x4xf32> -> tensor<?x2x4x4xf32>
  return %0 : tensor<?x2x4x4xf32>
}

// -----
// Tests global average pooling: two sums, a division by H*W, a reshape.
// CHECK-LABEL: func.func @global_avgpool
func.func @global_avgpool(%x: tensor<?x8x5x5xf32>) -> tensor<?x8x1x1xf32> {
  // CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<?x8x5xf32>)
  // CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<?x8xf32>)
  // CHECK: linalg.generic
  // CHECK: %[[TWENTYFIVE:.*]] = arith.constant 2.500000e+01 : f32
  // CHECK: arith.divf %{{.*}}, %[[TWENTYFIVE]]
  // CHECK: tensor.expand_shape %{{.*}} {{\[}}[0], [1, 2, 3]] {{.*}} : tensor<?x8xf32> into tensor<?x8x1x1xf32>
  %0 = dl.global_avgpool %x : tensor<?x8x5x5xf32> -> tensor<?x8x1x1xf32>
  return %0 : tensor<?x8x1x1xf32>
}

// -----
// Tests that flatten is a collapse of everything but the batch.
// CHECK-LABEL: func.func @flatten
func.func @flatten(%x: tensor<?x16x5x5xf32>) -> tensor<?x400xf32> {
  // CHECK: tensor.collapse_shape %{{.*}} {{\[}}[0], [1, 2, 3]] : tensor<?x16x5x5xf32> into tensor<?x400xf32>
  %0 = dl.flatten %x : tensor<?x16x5x5xf32> -> tensor<?x400xf32>
  return %0 : tensor<?x400xf32>
}

// -----
// Tests that concat inserts each input at its offset along the axis.
// CHECK-LABEL: func.func @concat
func.func @concat(%a: tensor<?x2x4x4xf32>, %b: tensor<?x3x4x4xf32>) -> tensor<?x5x4x4xf32> {
  // CHECK: %[[E:.*]] = tensor.empty(%{{.*}}) : tensor<?x5x4x4xf32>
  // CHECK: %[[A:.*]] = tensor.insert_slice %{{.*}} into %[[E]][0, 0, 0, 0] [%{{.*}}, 2, 4, 4] [1, 1, 1, 1]
  // CHECK: tensor.insert_slice %{{.*}} into %[[A]][0, 2, 0, 0] [%{{.*}}, 3, 4, 4] [1, 1, 1, 1]
  %0 = dl.concat %a, %b : tensor<?x2x4x4xf32>, tensor<?x3x4x4xf32> -> tensor<?x5x4x4xf32>
  return %0 : tensor<?x5x4x4xf32>
}
