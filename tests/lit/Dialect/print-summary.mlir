// RUN: dlc-opt %s --split-input-file --dl-print-summary -verify-diagnostics -o /dev/null | FileCheck %s

// Tests that dl-print-summary lists inputs and layers with their shapes,
// parameter counts and names and the bytes of each output per sample,
// counts buffers apart, and totals PyTorch-style; at the peak two 1 KiB
// tensors are alive (the conv's output while batchnorm writes its own).
// CHECK: Network: tiny
// CHECK: Layer (type)    Output shape  Param #  Activations  Parameters
// CHECK: x (input)       [N, 3, 8, 8]        0        768 B
// CHECK: conv (conv2d)   [N, 4, 8, 8]      112      1.0 KiB  conv.weight, conv.bias
// CHECK: bn (batchnorm)  [N, 4, 8, 8]        8      1.0 KiB  bn.weight, bn.bias, bn.running_mean, bn.running_var
// CHECK: - (relu)        [N, 4, 8, 8]        0      1.0 KiB
// CHECK: Buffers (running statistics, not counted): 8
// CHECK-NEXT: Total params: 120
// CHECK-NEXT: Peak activations: 2.0 KiB per sample
module @tiny {
  func.func @forward(%x: tensor<?x3x8x8xf32> {dl.input = "x"}, %w: tensor<4x3x3x3xf32> {dl.param = "conv.weight"},
                     %b: tensor<4xf32> {dl.param = "conv.bias"}, %g: tensor<4xf32> {dl.param = "bn.weight"},
                     %be: tensor<4xf32> {dl.param = "bn.bias"}, %m: tensor<4xf32> {dl.buffer = "bn.running_mean"},
                     %v: tensor<4xf32> {dl.buffer = "bn.running_var"}) -> (tensor<?x4x8x8xf32> {dl.output = "y"}) {
    %0 = dl.conv2d %x, %w, %b {padding = array<i64: 1, 1>} : tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32> -> tensor<?x4x8x8xf32> loc("conv")
    %1 = dl.batchnorm %0, %g, %be, %m, %v : tensor<?x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32> loc("bn")
    %2 = dl.relu %1 : tensor<?x4x8x8xf32>
    return %2 : tensor<?x4x8x8xf32>
  }
}

// -----
// Tests that a module without @forward is an error, not an empty table.
// expected-error@+1 {{dl-print-summary needs a @forward function}}
module {
}
