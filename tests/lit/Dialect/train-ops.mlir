// RUN: dlc-opt %s | FileCheck %s
// RUN: dlc-opt %s | dlc-opt | FileCheck %s
// RUN: dlc-opt %s -mlir-print-op-generic | dlc-opt | FileCheck %s

// Tests that every training op (DLTrainOps.td) parses, verifies and prints
// back unchanged; default attributes are elided.

// CHECK-LABEL: func.func @layer_grads
func.func @layer_grads(%x: tensor<?x3x8x8xf32>, %w: tensor<8x3x3x3xf32>, %dy: tensor<?x8x4x4xf32>,
                       %gx: tensor<?x4x6x6xf32>, %gw: tensor<8x2x3x3xf32>, %gdy: tensor<?x8x4x4xf32>,
                       %d: tensor<?x10xf32>, %fw: tensor<10x64xf32>, %fx: tensor<?x64xf32>)
    -> (tensor<?x3x8x8xf32>, tensor<8x3x3x3xf32>, tensor<?x4x6x6xf32>, tensor<8x2x3x3xf32>,
        tensor<?x64xf32>, tensor<10x64xf32>, tensor<8xf32>) {
  // CHECK: dl.conv2d_grad_input %{{.*}}, %{{.*}} {padding = array<i64: 1, 1>, stride = array<i64: 2, 2>} : tensor<?x8x4x4xf32>, tensor<8x3x3x3xf32> -> tensor<?x3x8x8xf32>
  %0 = dl.conv2d_grad_input %dy, %w {padding = array<i64: 1, 1>, stride = array<i64: 2, 2>} : tensor<?x8x4x4xf32>, tensor<8x3x3x3xf32> -> tensor<?x3x8x8xf32>
  // CHECK: dl.conv2d_grad_weight %{{.*}}, %{{.*}} {padding = array<i64: 1, 1>, stride = array<i64: 2, 2>} : tensor<?x3x8x8xf32>, tensor<?x8x4x4xf32> -> tensor<8x3x3x3xf32>
  %1 = dl.conv2d_grad_weight %x, %dy {padding = array<i64: 1, 1>, stride = array<i64: 2, 2>} : tensor<?x3x8x8xf32>, tensor<?x8x4x4xf32> -> tensor<8x3x3x3xf32>
  // CHECK: dl.conv2d_grad_input %{{.*}}, %{{.*}} {groups = 2 : i64} : tensor<?x8x4x4xf32>, tensor<8x2x3x3xf32> -> tensor<?x4x6x6xf32>
  %2 = dl.conv2d_grad_input %gdy, %gw {groups = 2 : i64} : tensor<?x8x4x4xf32>, tensor<8x2x3x3xf32> -> tensor<?x4x6x6xf32>
  // CHECK: dl.conv2d_grad_weight %{{.*}}, %{{.*}} {groups = 2 : i64} : tensor<?x4x6x6xf32>, tensor<?x8x4x4xf32> -> tensor<8x2x3x3xf32>
  %3 = dl.conv2d_grad_weight %gx, %gdy {groups = 2 : i64} : tensor<?x4x6x6xf32>, tensor<?x8x4x4xf32> -> tensor<8x2x3x3xf32>
  // CHECK: dl.matmul %{{.*}}, %{{.*}} : tensor<?x10xf32>, tensor<10x64xf32> -> tensor<?x64xf32>
  %4 = dl.matmul %d, %fw : tensor<?x10xf32>, tensor<10x64xf32> -> tensor<?x64xf32>
  // CHECK: dl.matmul %{{.*}}, %{{.*}} {transpose_a} : tensor<?x10xf32>, tensor<?x64xf32> -> tensor<10x64xf32>
  %5 = dl.matmul %d, %fx {transpose_a} : tensor<?x10xf32>, tensor<?x64xf32> -> tensor<10x64xf32>
  // CHECK: dl.channel_sum %{{.*}} : tensor<?x8x4x4xf32> -> tensor<8xf32>
  %6 = dl.channel_sum %dy : tensor<?x8x4x4xf32> -> tensor<8xf32>
  return %0, %1, %2, %3, %4, %5, %6 : tensor<?x3x8x8xf32>, tensor<8x3x3x3xf32>, tensor<?x4x6x6xf32>,
      tensor<8x2x3x3xf32>, tensor<?x64xf32>, tensor<10x64xf32>, tensor<8xf32>
}

// CHECK-LABEL: func.func @elementwise_grads
func.func @elementwise_grads(%dy: tensor<?x64xf32>, %v: tensor<?x64xf32>) -> tensor<?x64xf32> {
  // CHECK: dl.relu_grad %{{.*}}, %{{.*}} : tensor<?x64xf32>
  %0 = dl.relu_grad %dy, %v : tensor<?x64xf32>
  // CHECK: dl.leaky_relu_grad %{{.*}}, %{{.*}} {alpha = 2.000000e-01 : f64} : tensor<?x64xf32>
  %1 = dl.leaky_relu_grad %0, %v {alpha = 0.2 : f64} : tensor<?x64xf32>
  // CHECK: dl.leaky_relu_grad %{{.*}}, %{{.*}} : tensor<?x64xf32>
  %2 = dl.leaky_relu_grad %1, %v {alpha = 0.01 : f64} : tensor<?x64xf32>
  // CHECK: dl.sigmoid_grad %{{.*}}, %{{.*}} : tensor<?x64xf32>
  %3 = dl.sigmoid_grad %2, %v : tensor<?x64xf32>
  // CHECK: dl.tanh_grad %{{.*}}, %{{.*}} : tensor<?x64xf32>
  %4 = dl.tanh_grad %3, %v : tensor<?x64xf32>
  // CHECK: dl.softmax_grad %{{.*}}, %{{.*}} : tensor<?x64xf32>
  %5 = dl.softmax_grad %4, %v {axis = 1 : i64} : tensor<?x64xf32>
  return %5 : tensor<?x64xf32>
}

// CHECK-LABEL: func.func @shape_grads
func.func @shape_grads(%dy: tensor<?x6x14x14xf32>, %x: tensor<?x6x28x28xf32>, %f: tensor<?x400xf32>,
                       %c: tensor<?x96x8x8xf32>)
    -> (tensor<?x6x28x28xf32>, tensor<?x6x28x28xf32>, tensor<?x16x5x5xf32>, tensor<?x32x8x8xf32>) {
  // CHECK: dl.maxpool2d_grad %{{.*}}, %{{.*}} {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>} : tensor<?x6x14x14xf32>, tensor<?x6x28x28xf32>
  %0 = dl.maxpool2d_grad %dy, %x {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>} : tensor<?x6x14x14xf32>, tensor<?x6x28x28xf32>
  // CHECK: dl.avgpool2d_grad %{{.*}}, %{{.*}} {kernel = array<i64: 3, 3>, padding = array<i64: 1, 1>, stride = array<i64: 2, 2>} : tensor<?x6x14x14xf32>, tensor<?x6x28x28xf32>
  %1 = dl.avgpool2d_grad %dy, %x {kernel = array<i64: 3, 3>, stride = array<i64: 2, 2>, padding = array<i64: 1, 1>} : tensor<?x6x14x14xf32>, tensor<?x6x28x28xf32>
  // CHECK: dl.reshape %{{.*}} : tensor<?x400xf32> -> tensor<?x16x5x5xf32>
  %2 = dl.reshape %f : tensor<?x400xf32> -> tensor<?x16x5x5xf32>
  // CHECK: dl.slice %{{.*}} {axis = 1 : i64, offset = 64 : i64} : tensor<?x96x8x8xf32> -> tensor<?x32x8x8xf32>
  %3 = dl.slice %c {axis = 1 : i64, offset = 64 : i64} : tensor<?x96x8x8xf32> -> tensor<?x32x8x8xf32>
  return %0, %1, %2, %3 : tensor<?x6x28x28xf32>, tensor<?x6x28x28xf32>, tensor<?x16x5x5xf32>, tensor<?x32x8x8xf32>
}

// CHECK-LABEL: func.func @training_mode
func.func @training_mode(%x: tensor<?x4x3x3xf32>, %dy: tensor<?x4x3x3xf32>, %w: tensor<4xf32>,
                         %rm: tensor<4xf32>, %rv: tensor<4xf32>, %seed: tensor<i64>, %step: tensor<i64>)
    -> (tensor<4xf32>, tensor<4xf32>, tensor<?x4x3x3xf32>, tensor<4xf32>, tensor<4xf32>, tensor<?x4x3x3xf32>) {
  // CHECK: %[[M:.*]], %[[V:.*]] = dl.batch_stats %{{.*}} : tensor<?x4x3x3xf32> -> tensor<4xf32>, tensor<4xf32>
  %m, %v = dl.batch_stats %x : tensor<?x4x3x3xf32> -> tensor<4xf32>, tensor<4xf32>
  // CHECK: dl.running_stats %{{.*}}, %{{.*}}, %[[M]], %[[V]], %{{.*}} {momentum = 1.000000e-01 : f64} : tensor<4xf32>, tensor<?x4x3x3xf32>
  %nm, %nv = dl.running_stats %rm, %rv, %m, %v, %x {momentum = 0.1 : f64} : tensor<4xf32>, tensor<?x4x3x3xf32>
  // CHECK: dl.batchnorm_grad %{{.*}}, %{{.*}}, %{{.*}}, %[[M]], %[[V]] {eps = 1.000000e-05 : f64} : tensor<?x4x3x3xf32>, tensor<4xf32>
  %dx, %dw, %db = dl.batchnorm_grad %dy, %x, %w, %m, %v {eps = 1.0e-5 : f64} : tensor<?x4x3x3xf32>, tensor<4xf32>
  // CHECK: dl.dropout_mask %{{.*}}, %{{.*}}, %{{.*}} {p = 5.000000e-01 : f64, stream = 3 : i64} : tensor<?x4x3x3xf32>
  %mask = dl.dropout_mask %x, %seed, %step {p = 0.5 : f64, stream = 3 : i64} : tensor<?x4x3x3xf32>
  return %nm, %nv, %dx, %dw, %db, %mask : tensor<4xf32>, tensor<4xf32>, tensor<?x4x3x3xf32>, tensor<4xf32>, tensor<4xf32>, tensor<?x4x3x3xf32>
}

// CHECK-LABEL: func.func @loss_grads
func.func @loss_grads(%l: tensor<?x10xf32>, %t: tensor<?xi32>, %pl: tensor<?x2x8x8xf32>, %pt: tensor<?x8x8xi32>,
                      %p: tensor<?x1x8x8xf32>, %q: tensor<?x1x8x8xf32>, %g: tensor<f32>)
    -> (tensor<?x10xf32>, tensor<?x2x8x8xf32>, tensor<?x1x8x8xf32>, tensor<?x1x8x8xf32>, tensor<?x1x8x8xf32>, tensor<?x1x8x8xf32>) {
  // CHECK: dl.cross_entropy_grad %{{.*}}, %{{.*}}, %{{.*}} : tensor<?x10xf32>, tensor<?xi32>
  %0 = dl.cross_entropy_grad %l, %t, %g : tensor<?x10xf32>, tensor<?xi32>
  // CHECK: dl.cross_entropy_grad %{{.*}}, %{{.*}}, %{{.*}} : tensor<?x2x8x8xf32>, tensor<?x8x8xi32>
  %1 = dl.cross_entropy_grad %pl, %pt, %g : tensor<?x2x8x8xf32>, tensor<?x8x8xi32>
  // CHECK: dl.mse_grad %{{.*}}, %{{.*}}, %{{.*}} : tensor<?x1x8x8xf32>, tensor<?x1x8x8xf32>
  %2 = dl.mse_grad %p, %q, %g : tensor<?x1x8x8xf32>, tensor<?x1x8x8xf32>
  // CHECK: dl.l1_grad
  %3 = dl.l1_grad %p, %q, %g : tensor<?x1x8x8xf32>, tensor<?x1x8x8xf32>
  // CHECK: dl.bce_with_logits_grad
  %4 = dl.bce_with_logits_grad %p, %q, %g : tensor<?x1x8x8xf32>, tensor<?x1x8x8xf32>
  // CHECK: dl.dice_grad
  %5 = dl.dice_grad %p, %q, %g : tensor<?x1x8x8xf32>, tensor<?x1x8x8xf32>
  return %0, %1, %2, %3, %4, %5 : tensor<?x10xf32>, tensor<?x2x8x8xf32>, tensor<?x1x8x8xf32>, tensor<?x1x8x8xf32>, tensor<?x1x8x8xf32>, tensor<?x1x8x8xf32>
}

// CHECK-LABEL: func.func @updates
func.func @updates(%p: tensor<4xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %v: tensor<4xf32>,
                   %lr: tensor<f32>, %step: tensor<i64>)
    -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  // CHECK: dl.sgd_update %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %0 = dl.sgd_update %p, %g, %lr, %step : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  // CHECK: dl.sgd_update %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {momentum = 9.000000e-01 : f64, nesterov} : tensor<4xf32>, tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>, tensor<4xf32>
  %1:2 = dl.sgd_update %p, %g, %lr, %step, %b {momentum = 0.9 : f64, nesterov} : tensor<4xf32>, tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>, tensor<4xf32>
  // CHECK: dl.adam_update %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {beta1 = 9.000000e-01 : f64, beta2 = {{.*}} : f64, decoupled, eps = 1.000000e-08 : f64, weight_decay = 1.000000e-02 : f64} : tensor<4xf32>
  %2:3 = dl.adam_update %p, %g, %lr, %step, %b, %v {beta1 = 0.9 : f64, beta2 = 0.999 : f64, eps = 1.0e-8 : f64, weight_decay = 0.01 : f64, decoupled} : tensor<4xf32>
  return %0, %1#1, %2#0, %2#1, %2#2, %1#0 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// CHECK-LABEL: func.func @winograd
func.func @winograd(%x: tensor<?x4x9x7xf32>, %w: tensor<8x4x3x3xf32>, %b: tensor<8xf32>)
    -> tensor<?x8x9x7xf32> {
  // CHECK: %[[U:.*]] = dl.winograd_filter %{{.*}} : tensor<8x4x3x3xf32> -> tensor<16x8x4xf32>
  %u = dl.winograd_filter %w : tensor<8x4x3x3xf32> -> tensor<16x8x4xf32>
  // CHECK: dl.winograd_conv2d %{{.*}}, %[[U]], %{{.*}} {padding = array<i64: 1, 1>} : tensor<?x4x9x7xf32>, tensor<16x8x4xf32>, tensor<8xf32> -> tensor<?x8x9x7xf32>
  %y = dl.winograd_conv2d %x, %u, %b {padding = array<i64: 1, 1>}
      : tensor<?x4x9x7xf32>, tensor<16x8x4xf32>, tensor<8xf32> -> tensor<?x8x9x7xf32>
  return %y : tensor<?x8x9x7xf32>
}

// CHECK-LABEL: func.func @transposed_dense
func.func @transposed_dense(%x: tensor<?x64xf32>, %w: tensor<32x64xf32>, %b: tensor<32xf32>)
    -> tensor<?x32xf32> {
  // CHECK: %[[WT:.*]] = dl.transpose %{{.*}} : tensor<32x64xf32> -> tensor<64x32xf32>
  %wt = dl.transpose %w : tensor<32x64xf32> -> tensor<64x32xf32>
  // CHECK: dl.matmul %{{.*}}, %[[WT]], %{{.*}} : tensor<?x64xf32>, tensor<64x32xf32>, tensor<32xf32> -> tensor<?x32xf32>
  %y = dl.matmul %x, %wt, %b : tensor<?x64xf32>, tensor<64x32xf32>, tensor<32xf32> -> tensor<?x32xf32>
  return %y : tensor<?x32xf32>
}
