// RUN: dlc-opt %s --split-input-file --verify-diagnostics --dl-generate-train-step

// Batchnorm on running statistics inside @loss (the frontend always
// trains batchnorm there): its gradient is not implemented.
module @frozen {
  func.func @forward(%x: tensor<?x2xf32> {dl.input = "x"}) -> (tensor<?x2xf32> {dl.output = "y"}) {
    return %x : tensor<?x2xf32>
  }
  func.func private @loss(%x: tensor<?x2xf32> {dl.input = "x"}, %t: tensor<?x2xf32> {dl.target = "t"},
                          %w: tensor<2xf32> {dl.param = "bn.weight"}, %b: tensor<2xf32> {dl.param = "bn.bias"},
                          %m: tensor<2xf32> {dl.buffer = "bn.running_mean"}, %v: tensor<2xf32> {dl.buffer = "bn.running_var"}) -> tensor<f32> {
    // expected-error @+1 {{gradient of batchnorm on running statistics (a frozen batchnorm) is not supported}}
    %y = dl.batchnorm %x, %w, %b, %m, %v : tensor<?x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>
    %l = dl.mse %y, %t : tensor<?x2xf32>, tensor<?x2xf32>
    return %l : tensor<f32>
  }
}

// -----

// A loss scaled per element by a parameter-dependent scalar would need the
// scalar's gradient summed over the tensor.
module @broadcast {
  func.func @forward(%x: tensor<?x2xf32> {dl.input = "x"}) -> (tensor<?x2xf32> {dl.output = "y"}) {
    return %x : tensor<?x2xf32>
  }
  func.func private @loss(%x: tensor<?x2xf32> {dl.input = "x"}, %t: tensor<?x2xf32> {dl.target = "t"},
                          %w: tensor<2x2xf32> {dl.param = "fc.weight"}) -> tensor<f32> {
    %y = dl.dense %x, %w : tensor<?x2xf32>, tensor<2x2xf32> -> tensor<?x2xf32>
    %l = dl.mse %y, %t : tensor<?x2xf32>, tensor<?x2xf32>
    // expected-error @+1 {{gradient of a scalar broadcast over a tensor is not supported}}
    %s = dl.mul %l, %y : tensor<f32>, tensor<?x2xf32> -> tensor<?x2xf32>
    %l2 = dl.l1 %s, %t : tensor<?x2xf32>, tensor<?x2xf32>
    return %l2 : tensor<f32>
  }
}

// -----

// Cross-entropy's target is class indices; bce's cannot be computed.
module @target {
  func.func @forward(%x: tensor<?x2xf32> {dl.input = "x"}) -> (tensor<?x2xf32> {dl.output = "y"}) {
    return %x : tensor<?x2xf32>
  }
  func.func private @loss(%x: tensor<?x2xf32> {dl.input = "x"}, %t: tensor<?x2xf32> {dl.target = "t"},
                          %w: tensor<2x2xf32> {dl.param = "fc.weight"}) -> tensor<f32> {
    %y = dl.dense %x, %w : tensor<?x2xf32>, tensor<2x2xf32> -> tensor<?x2xf32>
    // expected-error @+1 {{gradient with respect to the target of 'dl.bce_with_logits' is not supported; only mse and l1 take a computed target}}
    %l = dl.bce_with_logits %t, %y : tensor<?x2xf32>, tensor<?x2xf32>
    return %l : tensor<f32>
  }
}
