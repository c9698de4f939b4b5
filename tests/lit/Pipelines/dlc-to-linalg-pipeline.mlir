// RUN: dlc-opt %s --dlc-to-linalg-pipeline | FileCheck %s --check-prefixes=CHECK,TRAIN
// RUN: dlc-opt %s --dlc-to-linalg-pipeline='dropout=false' | FileCheck %s --check-prefixes=CHECK,NODROP
// RUN: dlc-opt %s --dlc-to-linalg-pipeline='training=false' | FileCheck %s --check-prefixes=CHECK,INFER

// Tests that the target-independent pipeline lowers @forward to linalg on
// tensors and, with its options, generates @train_step (training=true, the
// default), draws dropout masks in it (dropout=true, the default) or makes
// training dropout the identity (dropout=false), or drops @loss
// (training=false: what dlc --inference-only runs).

module @probe {
  // CHECK-LABEL: func.func @forward
  // CHECK: linalg.matmul_transpose_b
  // CHECK-NOT: dl.
  func.func @forward(%x: tensor<?x4xf32> {dl.input = "x"}, %w: tensor<8x4xf32> {dl.param = "fc.weight"})
      -> (tensor<?x8xf32> {dl.output = "y"}) {
    %0 = dl.dense %x, %w : tensor<?x4xf32>, tensor<8x4xf32> -> tensor<?x8xf32>
    %1 = dl.dropout %0 {p = 3.0e-01 : f64} : tensor<?x8xf32>
    return %1 : tensor<?x8xf32>
  }
  // CHECK-NOT: func.func private @loss
  func.func private @loss(%x: tensor<?x4xf32> {dl.input = "x"}, %t: tensor<?x8xf32> {dl.target = "t"},
                          %w: tensor<8x4xf32> {dl.param = "fc.weight"}) -> tensor<f32> {
    %0 = dl.dense %x, %w : tensor<?x4xf32>, tensor<8x4xf32> -> tensor<?x8xf32>
    %1 = dl.dropout %0 {p = 3.0e-01 : f64, training} : tensor<?x8xf32>
    %2 = dl.mse %1, %t : tensor<?x8xf32>, tensor<?x8xf32>
    return %2 : tensor<f32>
  }
  // TRAIN-LABEL: func.func @train_step
  // TRAIN-SAME: {dl.scalar = "seed"}
  // The mask's hash (splitmix64's multipliers):
  // TRAIN-DAG: arith.constant -4658895280553007687 : i64
  // TRAIN-DAG: arith.constant -7723592293110705685 : i64
  // NODROP-LABEL: func.func @train_step
  // NODROP-NOT: -4658895280553007687
  // NODROP: return
  // INFER-NOT: @train_step
}
