// RUN: dlc-opt %s | FileCheck %s
// RUN: dlc-opt %s | dlc-opt | FileCheck %s
// RUN: dlc-opt %s -mlir-print-op-generic | dlc-opt | FileCheck %s

// Tests that every dl op parses, verifies and prints back unchanged; default
// attributes are elided.

// CHECK-LABEL: func.func @layers
func.func @layers(%x: tensor<?x3x32x32xf32>, %w: tensor<16x3x3x3xf32>, %b: tensor<16xf32>,
                  %tw: tensor<16x8x2x2xf32>, %tb: tensor<8xf32>, %dw: tensor<10x128xf32>,
                  %g: tensor<16xf32>, %m: tensor<16xf32>, %v: tensor<16xf32>, %flat: tensor<?x128xf32>)
    -> (tensor<?x16x16x16xf32>, tensor<?x8x32x32xf32>, tensor<?x10xf32>, tensor<?x16x32x32xf32>) {
  // CHECK: %[[C:.*]] = dl.conv2d %{{.*}}, %{{.*}}, %{{.*}} {padding = array<i64: 1, 1>, stride = array<i64: 2, 2>} : tensor<?x3x32x32xf32>, tensor<16x3x3x3xf32>, tensor<16xf32> -> tensor<?x16x16x16xf32>
  %c = dl.conv2d %x, %w, %b {stride = array<i64: 2, 2>, padding = array<i64: 1, 1>} : tensor<?x3x32x32xf32>, tensor<16x3x3x3xf32>, tensor<16xf32> -> tensor<?x16x16x16xf32>
  // CHECK: dl.conv2d %{{.*}}, %{{.*}} {dilation = array<i64: 2, 2>, padding = array<i64: 2, 2>} : tensor<?x3x32x32xf32>, tensor<16x3x3x3xf32> -> tensor<?x16x32x32xf32>
  %nb = dl.conv2d %x, %w {dilation = array<i64: 2, 2>, padding = array<i64: 2, 2>, stride = array<i64: 1, 1>, groups = 1 : i64} : tensor<?x3x32x32xf32>, tensor<16x3x3x3xf32> -> tensor<?x16x32x32xf32>
  // CHECK: dl.conv_transpose2d %[[C]], %{{.*}}, %{{.*}} {padding = array<i64: 1, 1>, stride = array<i64: 4, 4>} : tensor<?x16x16x16xf32>, tensor<16x8x2x2xf32>, tensor<8xf32> -> tensor<?x8x60x60xf32>
  %t0 = dl.conv_transpose2d %c, %tw, %tb {stride = array<i64: 4, 4>, padding = array<i64: 1, 1>} : tensor<?x16x16x16xf32>, tensor<16x8x2x2xf32>, tensor<8xf32> -> tensor<?x8x60x60xf32>
  // CHECK: dl.conv_transpose2d %[[C]], %{{.*}} {stride = array<i64: 2, 2>} : tensor<?x16x16x16xf32>, tensor<16x8x2x2xf32> -> tensor<?x8x32x32xf32>
  %t = dl.conv_transpose2d %c, %tw {stride = array<i64: 2, 2>} : tensor<?x16x16x16xf32>, tensor<16x8x2x2xf32> -> tensor<?x8x32x32xf32>
  // CHECK: dl.dense %{{.*}}, %{{.*}} : tensor<?x128xf32>, tensor<10x128xf32> -> tensor<?x10xf32>
  %d = dl.dense %flat, %dw : tensor<?x128xf32>, tensor<10x128xf32> -> tensor<?x10xf32>
  // CHECK: dl.batchnorm %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {eps = 1.000000e-03 : f64, training} : tensor<?x16x32x32xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>
  %n = dl.batchnorm %nb, %g, %b, %m, %v {eps = 1.0e-3 : f64, momentum = 0.1 : f64, training} : tensor<?x16x32x32xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>
  return %c, %t, %d, %n : tensor<?x16x16x16xf32>, tensor<?x8x32x32xf32>, tensor<?x10xf32>, tensor<?x16x32x32xf32>
}

// CHECK-LABEL: func.func @elementwise
func.func @elementwise(%x: tensor<?x64xf32>, %y: tensor<?x64xf32>, %s: tensor<f32>) -> tensor<?x64xf32> {
  // CHECK: dl.relu %{{.*}} : tensor<?x64xf32>
  %0 = dl.relu %x : tensor<?x64xf32>
  // CHECK: dl.leaky_relu %{{.*}} {alpha = 2.000000e-01 : f64} : tensor<?x64xf32>
  %1 = dl.leaky_relu %0 {alpha = 0.2 : f64} : tensor<?x64xf32>
  // CHECK: dl.leaky_relu %{{.*}} : tensor<?x64xf32>
  %2 = dl.leaky_relu %1 {alpha = 0.01 : f64} : tensor<?x64xf32>
  // CHECK: dl.sigmoid
  %3 = dl.sigmoid %2 : tensor<?x64xf32>
  // CHECK: dl.tanh
  %4 = dl.tanh %3 : tensor<?x64xf32>
  // CHECK: dl.dropout %{{.*}} {p = 2.500000e-01 : f64, training} : tensor<?x64xf32>
  %5 = dl.dropout %4 {p = 0.25 : f64, training} : tensor<?x64xf32>
  // CHECK: dl.softmax %{{.*}} : tensor<?x64xf32>
  %6 = dl.softmax %5 {axis = 1 : i64} : tensor<?x64xf32>
  // CHECK: dl.add %{{.*}}, %{{.*}} : tensor<?x64xf32>, tensor<?x64xf32> -> tensor<?x64xf32>
  %7 = dl.add %6, %y : tensor<?x64xf32>, tensor<?x64xf32> -> tensor<?x64xf32>
  // CHECK: dl.sub %{{.*}}, %{{.*}} : tensor<f32>, tensor<?x64xf32> -> tensor<?x64xf32>
  %8 = dl.sub %s, %7 : tensor<f32>, tensor<?x64xf32> -> tensor<?x64xf32>
  // CHECK: dl.mul %{{.*}}, %{{.*}} : tensor<?x64xf32>, tensor<f32> -> tensor<?x64xf32>
  %9 = dl.mul %8, %s : tensor<?x64xf32>, tensor<f32> -> tensor<?x64xf32>
  return %9 : tensor<?x64xf32>
}

// CHECK-LABEL: func.func @shapes
func.func @shapes(%x: tensor<?x6x28x28xf32>, %y: tensor<?x10x28x28xf32>) -> (tensor<?x6x14x14xf32>, tensor<?x6x14x14xf32>, tensor<?x6x1x1xf32>, tensor<?x4704xf32>, tensor<?x16x28x28xf32>) {
  // CHECK: dl.maxpool2d %{{.*}} {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>} : tensor<?x6x28x28xf32> -> tensor<?x6x14x14xf32>
  %0 = dl.maxpool2d %x {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>} : tensor<?x6x28x28xf32> -> tensor<?x6x14x14xf32>
  // CHECK: dl.avgpool2d %{{.*}} {kernel = array<i64: 3, 3>, padding = array<i64: 1, 1>, stride = array<i64: 2, 2>} : tensor<?x6x28x28xf32> -> tensor<?x6x14x14xf32>
  %1 = dl.avgpool2d %x {kernel = array<i64: 3, 3>, stride = array<i64: 2, 2>, padding = array<i64: 1, 1>} : tensor<?x6x28x28xf32> -> tensor<?x6x14x14xf32>
  // CHECK: dl.global_avgpool %{{.*}} : tensor<?x6x28x28xf32> -> tensor<?x6x1x1xf32>
  %2 = dl.global_avgpool %x : tensor<?x6x28x28xf32> -> tensor<?x6x1x1xf32>
  // CHECK: dl.flatten %{{.*}} : tensor<?x6x28x28xf32> -> tensor<?x4704xf32>
  %3 = dl.flatten %x : tensor<?x6x28x28xf32> -> tensor<?x4704xf32>
  // CHECK: dl.concat %{{.*}}, %{{.*}} : tensor<?x6x28x28xf32>, tensor<?x10x28x28xf32> -> tensor<?x16x28x28xf32>
  %4 = dl.concat %x, %y {axis = 1 : i64} : tensor<?x6x28x28xf32>, tensor<?x10x28x28xf32> -> tensor<?x16x28x28xf32>
  return %0, %1, %2, %3, %4 : tensor<?x6x14x14xf32>, tensor<?x6x14x14xf32>, tensor<?x6x1x1xf32>, tensor<?x4704xf32>, tensor<?x16x28x28xf32>
}

// CHECK-LABEL: func.func private @losses
func.func private @losses(%l: tensor<?x10xf32>, %t: tensor<?xi32>, %pl: tensor<?x2x8x8xf32>, %pt: tensor<?x8x8xi32>,
                  %p: tensor<?x1x8x8xf32>, %q: tensor<?x1x8x8xf32>) -> (tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>) {
  // CHECK: dl.cross_entropy %{{.*}}, %{{.*}} : tensor<?x10xf32>, tensor<?xi32>
  %0 = dl.cross_entropy %l, %t : tensor<?x10xf32>, tensor<?xi32>
  // CHECK: dl.cross_entropy %{{.*}}, %{{.*}} : tensor<?x2x8x8xf32>, tensor<?x8x8xi32>
  %1 = dl.cross_entropy %pl, %pt : tensor<?x2x8x8xf32>, tensor<?x8x8xi32>
  // CHECK: dl.mse
  %2 = dl.mse %p, %q : tensor<?x1x8x8xf32>, tensor<?x1x8x8xf32>
  // CHECK: dl.l1
  %3 = dl.l1 %p, %q : tensor<?x1x8x8xf32>, tensor<?x1x8x8xf32>
  // CHECK: dl.bce_with_logits
  %4 = dl.bce_with_logits %p, %q : tensor<?x1x8x8xf32>, tensor<?x1x8x8xf32>
  // CHECK: dl.dice
  %5 = dl.dice %p, %q : tensor<?x1x8x8xf32>, tensor<?x1x8x8xf32>
  return %0, %1, %2, %3, %4, %5 : tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>
}

// CHECK-LABEL: module @net attributes {dl.optimizer = {lr = 1.000000e-01 : f64, momentum = 9.000000e-01 : f64, name = "sgd", nesterov = true}}
module @net attributes {dl.optimizer = {name = "sgd", lr = 0.1 : f64, momentum = 0.9 : f64, nesterov = true}} {
  // CHECK: func.func @forward(%{{.*}}: tensor<?x4xf32> {dl.input = "x"}, %{{.*}}: tensor<2x4xf32> {dl.param = "fc.weight"}, %{{.*}}: tensor<2xf32> {dl.buffer = "bn.running_mean"}) -> (tensor<?x2xf32> {dl.output = "y"})
  func.func @forward(%x: tensor<?x4xf32> {dl.input = "x"}, %w: tensor<2x4xf32> {dl.param = "fc.weight"}, %m: tensor<2xf32> {dl.buffer = "bn.running_mean"}) -> (tensor<?x2xf32> {dl.output = "y"}) {
    %y = dl.dense %x, %w : tensor<?x4xf32>, tensor<2x4xf32> -> tensor<?x2xf32>
    return %y : tensor<?x2xf32>
  }
}
