// RUN: dlc-opt %s --dl-fold-batchnorm | FileCheck %s
// RUN: dlc-opt %s --dl-fold-batchnorm --dl-outline-prepare | FileCheck %s --check-prefix=PREP

// Tests that inference batchnorm folds into the convolution or dense layer
// before it (with or without a bias), that a layer whose result something
// else reads and training batchnorm are left alone, and that the folded
// weights then move to @prepare, which @forward reads as prepared tensors.

// CHECK-LABEL: func.func @forward(
// CHECK: %[[W:.*]], %[[B:.*]] = dl.fold_batchnorm %arg1, %arg2, %arg3, %arg4, %arg5, %arg6 {eps = 1.000000e-03 : f64}
// CHECK: %[[C:.*]] = dl.conv2d %arg0, %[[W]], %[[B]] {padding = array<i64: 1, 1>}
// CHECK-NEXT: dl.relu %[[C]]
// CHECK: %[[DW:.*]], %[[DB:.*]] = dl.fold_batchnorm %arg7, %arg3, %arg4, %arg5, %arg6 {{.*}} : tensor<4x256xf32>, tensor<4xf32>
// CHECK: dl.dense %{{.*}}, %[[DW]], %[[DB]]
// CHECK-NOT: dl.fold_batchnorm
// CHECK: return

// PREP: module attributes {dl.prepared = [{name = "prepared.0", type = tensor<4x4x3x3xf32>}, {name = "prepared.1", type = tensor<4xf32>}, {name = "prepared.2", type = tensor<4x256xf32>}, {name = "prepared.3", type = tensor<4xf32>}]}
// PREP: func.func @prepare(%arg0: tensor<4x4x3x3xf32> {dl.param = "c.weight"}, {{.*}}) -> (tensor<4x4x3x3xf32> {dl.prepared = "prepared.0"}, tensor<4xf32> {dl.prepared = "prepared.1"}, tensor<4x256xf32> {dl.prepared = "prepared.2"}, tensor<4xf32> {dl.prepared = "prepared.3"})
// PREP-COUNT-2: dl.fold_batchnorm
// PREP: return
// PREP: func.func @forward(%arg0: tensor<?x4x8x8xf32> {dl.input = "x"}, {{.*}}, %[[P0:.*]]: tensor<4x4x3x3xf32> {dl.prepared = "prepared.0"}, %[[P1:.*]]: tensor<4xf32> {dl.prepared = "prepared.1"}, %[[P2:.*]]: tensor<4x256xf32> {dl.prepared = "prepared.2"}, %[[P3:.*]]: tensor<4xf32> {dl.prepared = "prepared.3"})
// PREP-NOT: dl.fold_batchnorm
// PREP: dl.conv2d %arg0, %[[P0]], %[[P1]]
// PREP: dl.dense %{{.*}}, %[[P2]], %[[P3]]
func.func @forward(%x: tensor<?x4x8x8xf32> {dl.input = "x"},
                   %w: tensor<4x4x3x3xf32> {dl.param = "c.weight"},
                   %b: tensor<4xf32> {dl.param = "c.bias"},
                   %g: tensor<4xf32> {dl.param = "n.weight"},
                   %beta: tensor<4xf32> {dl.param = "n.bias"},
                   %m: tensor<4xf32> {dl.buffer = "n.running_mean"},
                   %v: tensor<4xf32> {dl.buffer = "n.running_var"},
                   %dw: tensor<4x256xf32> {dl.param = "d.weight"})
    -> (tensor<?x4xf32> {dl.output = "y"}, tensor<?x4x8x8xf32> {dl.output = "kept"}) {
  %c = dl.conv2d %x, %w, %b {padding = array<i64: 1, 1>}
      : tensor<?x4x8x8xf32>, tensor<4x4x3x3xf32>, tensor<4xf32> -> tensor<?x4x8x8xf32>
  %n = dl.batchnorm %c, %g, %beta, %m, %v {eps = 1.0e-03 : f64}
      : tensor<?x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
  %r = dl.relu %n : tensor<?x4x8x8xf32>
  // Read twice (by the batchnorm and the add): not folded.
  %kept = dl.conv2d %r, %w {padding = array<i64: 1, 1>} : tensor<?x4x8x8xf32>, tensor<4x4x3x3xf32> -> tensor<?x4x8x8xf32>
  %n3 = dl.batchnorm %kept, %g, %beta, %m, %v
      : tensor<?x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
  %sum = dl.add %n3, %kept : tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32> -> tensor<?x4x8x8xf32>
  %f = dl.flatten %sum : tensor<?x4x8x8xf32> -> tensor<?x256xf32>
  // A dense layer without a bias.
  %d = dl.dense %f, %dw : tensor<?x256xf32>, tensor<4x256xf32> -> tensor<?x4xf32>
  %dn = dl.batchnorm %d, %g, %beta, %m, %v
      : tensor<?x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
  // Training batchnorm uses the batch's statistics: not folded.
  %t = dl.batchnorm %dn, %g, %beta, %m, %v {training}
      : tensor<?x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
  return %t, %sum : tensor<?x4xf32>, tensor<?x4x8x8xf32>
}
