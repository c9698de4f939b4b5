// RUN: dlc-opt %s -split-input-file -verify-diagnostics

// Tests that conv2d_grad_input's result must convolve back to the
// gradient's shape (here 12x12 at stride 2 gives 6x6, not 4x4).
func.func @conv_grad_input_size(%dy: tensor<?x8x4x4xf32>, %w: tensor<8x3x3x3xf32>) {
  // expected-error@+1 {{'dl.conv2d_grad_input' op the gradient has type 'tensor<?x8x4x4xf32>', but convolving the result type with the weight gives 'tensor<?x8x6x6xf32>'}}
  %0 = dl.conv2d_grad_input %dy, %w {padding = array<i64: 1, 1>, stride = array<i64: 2, 2>} : tensor<?x8x4x4xf32>, tensor<8x3x3x3xf32> -> tensor<?x3x12x12xf32>
  return
}

// -----
// Tests that conv2d_grad_input's result has the weight's input channels.
func.func @conv_grad_input_channels(%dy: tensor<?x8x4x4xf32>, %w: tensor<8x3x3x3xf32>) {
  // expected-error@+1 {{weight expects 3 input channels, the input has 4}}
  %0 = dl.conv2d_grad_input %dy, %w {padding = array<i64: 1, 1>, stride = array<i64: 2, 2>} : tensor<?x8x4x4xf32>, tensor<8x3x3x3xf32> -> tensor<?x4x8x8xf32>
  return
}

// -----
// Tests that conv2d_grad_weight's result is a kernel that maps the input to
// the gradient's shape.
func.func @conv_grad_weight_kernel(%x: tensor<?x3x8x8xf32>, %dy: tensor<?x8x4x4xf32>) {
  // expected-error@+1 {{'dl.conv2d_grad_weight' op the gradient has type 'tensor<?x8x4x4xf32>', but convolving the input with a weight of the result type gives 'tensor<?x8x3x3xf32>'}}
  %0 = dl.conv2d_grad_weight %x, %dy {padding = array<i64: 1, 1>, stride = array<i64: 2, 2>} : tensor<?x3x8x8xf32>, tensor<?x8x4x4xf32> -> tensor<8x3x5x5xf32>
  return
}

// -----
// Tests that matmul's contracted dimensions agree.
func.func @matmul_contraction(%dy: tensor<?x10xf32>, %w: tensor<9x64xf32>) {
  // expected-error@+2 {{contracted dimensions differ: 10 and 9}}
  // expected-error@+1 {{'dl.matmul' op failed to infer returned types}}
  %0 = dl.matmul %dy, %w : tensor<?x10xf32>, tensor<9x64xf32> -> tensor<?x64xf32>
  return
}

// -----
// Tests that matmul's result type is inferred: transpose_a gives [M, N].
func.func @matmul_result(%dy: tensor<?x10xf32>, %x: tensor<?x64xf32>) {
  // expected-error@+2 {{'dl.matmul' op inferred type(s) 'tensor<10x64xf32>' are incompatible with return type(s) of operation 'tensor<64x10xf32>'}}
  // expected-error@+1 {{'dl.matmul' op failed to infer returned types}}
  %0 = dl.matmul %dy, %x {transpose_a} : tensor<?x10xf32>, tensor<?x64xf32> -> tensor<64x10xf32>
  return
}

// -----
// Tests that channel_sum gives one value per channel.
func.func @channel_sum_result(%dy: tensor<?x8x4x4xf32>) {
  // expected-error@+2 {{'dl.channel_sum' op inferred type(s) 'tensor<8xf32>' are incompatible with return type(s) of operation 'tensor<4xf32>'}}
  // expected-error@+1 {{'dl.channel_sum' op failed to infer returned types}}
  %0 = dl.channel_sum %dy : tensor<?x8x4x4xf32> -> tensor<4xf32>
  return
}

// -----
// Tests that relu_grad's operands and result have one type.
func.func @relu_grad_types(%dy: tensor<?x64xf32>, %y: tensor<?x32xf32>) {
  // expected-error@+1 {{'dl.relu_grad' op requires the same type for all operands and results}}
  %0 = "dl.relu_grad"(%dy, %y) : (tensor<?x64xf32>, tensor<?x32xf32>) -> tensor<?x64xf32>
  return
}

// -----
// Tests that leaky_relu_grad's result has its operands' type.
func.func @leaky_relu_grad_types(%dy: tensor<?x64xf32>, %x: tensor<?x64xf32>) {
  // expected-error@+1 {{'dl.leaky_relu_grad' op requires the same type for all operands and results}}
  %0 = "dl.leaky_relu_grad"(%dy, %x) : (tensor<?x64xf32>, tensor<?x64xf32>) -> tensor<?x32xf32>
  return
}

// -----
// Tests that sigmoid_grad's operands have one type.
func.func @sigmoid_grad_types(%dy: tensor<?x64xf32>, %y: tensor<64xf32>) {
  // expected-error@+1 {{'dl.sigmoid_grad' op requires the same type for all operands and results}}
  %0 = "dl.sigmoid_grad"(%dy, %y) : (tensor<?x64xf32>, tensor<64xf32>) -> tensor<?x64xf32>
  return
}

// -----
// Tests that tanh_grad's result has its operands' type.
func.func @tanh_grad_types(%dy: tensor<?x64xf32>, %y: tensor<?x64xf32>) {
  // expected-error@+1 {{'dl.tanh_grad' op requires the same type for all operands and results}}
  %0 = "dl.tanh_grad"(%dy, %y) : (tensor<?x64xf32>, tensor<?x64xf32>) -> tensor<?x64x1xf32>
  return
}

// -----
// Tests that softmax_grad's axis is a non-batch axis, reported signed.
func.func @softmax_grad_axis(%dy: tensor<?x10xf32>, %y: tensor<?x10xf32>) {
  // expected-error@+1 {{'dl.softmax_grad' op axis -1 is out of range [1, 2)}}
  %0 = dl.softmax_grad %dy, %y {axis = -1 : i64} : tensor<?x10xf32>
  return
}

// -----
// Tests that maxpool2d_grad's gradient has the forward pool's result type.
func.func @maxpool_grad_shape(%dy: tensor<?x6x7x7xf32>, %x: tensor<?x6x28x28xf32>) {
  // expected-error@+1 {{'dl.maxpool2d_grad' op the gradient has type 'tensor<?x6x7x7xf32>', but pooling the input gives 'tensor<?x6x14x14xf32>'}}
  %0 = dl.maxpool2d_grad %dy, %x {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>} : tensor<?x6x7x7xf32>, tensor<?x6x28x28xf32>
  return
}

// -----
// Tests that avgpool2d_grad checks the forward pool's padding rule.
func.func @avgpool_grad_padding(%dy: tensor<?x6x15x15xf32>, %x: tensor<?x6x28x28xf32>) {
  // expected-error@+1 {{padding must be at most half the kernel}}
  %0 = dl.avgpool2d_grad %dy, %x {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, padding = array<i64: 2, 2>} : tensor<?x6x15x15xf32>, tensor<?x6x28x28xf32>
  return
}

// -----
// Tests that reshape keeps the number of elements per sample.
func.func @reshape_elements(%dy: tensor<?x400xf32>) {
  // expected-error@+1 {{'dl.reshape' op needs the same static number of elements per sample, got 'tensor<?x400xf32>' and 'tensor<?x16x5x4xf32>'}}
  %0 = dl.reshape %dy : tensor<?x400xf32> -> tensor<?x16x5x4xf32>
  return
}

// -----
// Tests that reshape keeps the batch.
func.func @reshape_batch(%dy: tensor<?x400xf32>) {
  // expected-error@+1 {{'dl.reshape' op keeps the batch dimension}}
  %0 = dl.reshape %dy : tensor<?x400xf32> -> tensor<2x200xf32>
  return
}

// -----
// Tests that slice stays within the input.
func.func @slice_range(%dy: tensor<?x96x8x8xf32>) {
  // expected-error@+1 {{'dl.slice' op slice [80, 112) of axis 1 is not within the input's 96}}
  %0 = dl.slice %dy {axis = 1 : i64, offset = 80 : i64} : tensor<?x96x8x8xf32> -> tensor<?x32x8x8xf32>
  return
}

// -----
// Tests that slice keeps every other dimension.
func.func @slice_other_dims(%dy: tensor<?x96x8x8xf32>) {
  // expected-error@+1 {{'dl.slice' op result differs from the input in dimension 3 (4 vs 8)}}
  %0 = dl.slice %dy {axis = 1 : i64, offset = 0 : i64} : tensor<?x96x8x8xf32> -> tensor<?x32x8x4xf32>
  return
}

// -----
// Tests that batch_stats gives per-channel statistics.
func.func @batch_stats_shape(%x: tensor<?x4x3x3xf32>) {
  // expected-error@+2 {{'dl.batch_stats' op inferred type(s) 'tensor<4xf32>', 'tensor<4xf32>' are incompatible with return type(s) of operation 'tensor<3xf32>', 'tensor<3xf32>'}}
  // expected-error@+1 {{'dl.batch_stats' op failed to infer returned types}}
  %m, %v = dl.batch_stats %x : tensor<?x4x3x3xf32> -> tensor<3xf32>, tensor<3xf32>
  return
}

// -----
// Tests that running_stats' statistics have the input's channels.
func.func @running_stats_channels(%rm: tensor<3xf32>, %rv: tensor<3xf32>, %x: tensor<?x4x3x3xf32>) {
  // expected-error@+1 {{expects running statistics of shape [4], got 'tensor<3xf32>'}}
  %m, %v = dl.running_stats %rm, %rv, %rm, %rv, %x {momentum = 0.1 : f64} : tensor<3xf32>, tensor<?x4x3x3xf32>
  return
}

// -----
// Tests that running_stats' momentum is PyTorch's, in [0, 1].
func.func @running_stats_momentum(%rm: tensor<4xf32>, %rv: tensor<4xf32>, %x: tensor<?x4x3x3xf32>) {
  // expected-error@+1 {{'dl.running_stats' op momentum must be in [0, 1], got 1.5}}
  %m, %v = dl.running_stats %rm, %rv, %rm, %rv, %x {momentum = 1.5 : f64} : tensor<4xf32>, tensor<?x4x3x3xf32>
  return
}

// -----
// Tests that batchnorm_grad's per-channel operands have the input's channels.
func.func @batchnorm_grad_channels(%dy: tensor<?x4x3x3xf32>, %w: tensor<2xf32>) {
  // expected-error@+1 {{expects per-channel tensors of shape [4], got 'tensor<2xf32>'}}
  %dx, %dw, %db = dl.batchnorm_grad %dy, %dy, %w, %w, %w {eps = 1.0e-5 : f64} : tensor<?x4x3x3xf32>, tensor<2xf32>
  return
}

// -----
// Tests that dropout_mask's probability is below 1.
func.func @dropout_mask_p(%x: tensor<?x8xf32>, %seed: tensor<i64>, %step: tensor<i64>) {
  // expected-error@+1 {{'dl.dropout_mask' op p must be in [0, 1), got 1}}
  %0 = dl.dropout_mask %x, %seed, %step {p = 1.0 : f64, stream = 0 : i64} : tensor<?x8xf32>
  return
}

// -----
// Tests that cross_entropy_grad takes what cross_entropy takes.
func.func @cross_entropy_grad_target(%l: tensor<?x10xf32>, %t: tensor<?x10xi32>, %g: tensor<f32>) {
  // expected-error@+1 {{expects logits [N, K] with targets [N], or logits [N, K, H, W] with targets [N, H, W]}}
  %0 = dl.cross_entropy_grad %l, %t, %g : tensor<?x10xf32>, tensor<?x10xi32>
  return
}

// -----
// Tests that mse_grad compares same-shaped tensors.
func.func @mse_grad_shapes(%p: tensor<?x1x8x8xf32>, %t: tensor<?x1x4x4xf32>, %g: tensor<f32>) {
  // expected-error@+1 {{prediction and target must have the same shape}}
  %0 = dl.mse_grad %p, %t, %g : tensor<?x1x8x8xf32>, tensor<?x1x4x4xf32>
  return
}

// -----
// Tests that l1_grad compares same-shaped tensors.
func.func @l1_grad_shapes(%p: tensor<?x1x8x8xf32>, %t: tensor<?x2x8x8xf32>, %g: tensor<f32>) {
  // expected-error@+1 {{prediction and target must have the same shape}}
  %0 = dl.l1_grad %p, %t, %g : tensor<?x1x8x8xf32>, tensor<?x2x8x8xf32>
  return
}

// -----
// Tests that bce_with_logits_grad's result has the input's type.
func.func @bce_grad_result(%p: tensor<?x1x8x8xf32>, %t: tensor<?x1x8x8xf32>, %g: tensor<f32>) {
  // expected-error@+2 {{'dl.bce_with_logits_grad' op inferred type(s) 'tensor<?x1x8x8xf32>' are incompatible with return type(s) of operation 'tensor<?x8x8xf32>'}}
  // expected-error@+1 {{'dl.bce_with_logits_grad' op failed to infer returned types}}
  %0 = "dl.bce_with_logits_grad"(%p, %t, %g) : (tensor<?x1x8x8xf32>, tensor<?x1x8x8xf32>, tensor<f32>) -> tensor<?x8x8xf32>
  return
}

// -----
// Tests that dice_grad compares same-shaped tensors.
func.func @dice_grad_shapes(%p: tensor<?x1x8x8xf32>, %t: tensor<?x8x8xf32>, %g: tensor<f32>) {
  // expected-error@+1 {{prediction and target must have the same shape}}
  %0 = dl.dice_grad %p, %t, %g : tensor<?x1x8x8xf32>, tensor<?x8x8xf32>
  return
}

// -----
// Tests that sgd_update's gradient has the parameter's type.
func.func @sgd_grad_type(%p: tensor<4xf32>, %g: tensor<5xf32>, %lr: tensor<f32>, %step: tensor<i64>) {
  // expected-error@+2 {{gradient and momentum buffer must have the parameter's type 'tensor<4xf32>', got 'tensor<5xf32>'}}
  // expected-error@+1 {{'dl.sgd_update' op failed to infer returned types}}
  %0 = dl.sgd_update %p, %g, %lr, %step : tensor<4xf32>, tensor<5xf32> -> tensor<4xf32>
  return
}

// -----
// Tests that sgd_update takes a momentum buffer exactly with momentum.
func.func @sgd_momentum_buffer(%p: tensor<4xf32>, %g: tensor<4xf32>, %lr: tensor<f32>, %step: tensor<i64>) {
  // expected-error@+1 {{'dl.sgd_update' op takes a momentum buffer exactly when momentum is not zero}}
  %0 = dl.sgd_update %p, %g, %lr, %step {momentum = 0.9 : f64} : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  return
}

// -----
// Tests torch.optim.SGD's rule for nesterov.
func.func @sgd_nesterov(%p: tensor<4xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %lr: tensor<f32>, %step: tensor<i64>) {
  // expected-error@+1 {{'dl.sgd_update' op nesterov momentum needs a momentum and zero dampening}}
  %0:2 = dl.sgd_update %p, %g, %lr, %step, %b {momentum = 0.9 : f64, dampening = 0.1 : f64, nesterov} : tensor<4xf32>, tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>, tensor<4xf32>
  return
}

// -----
// Tests torch.optim.Adam's range for the betas.
func.func @adam_beta(%p: tensor<4xf32>, %g: tensor<4xf32>, %lr: tensor<f32>, %step: tensor<i64>) {
  // expected-error@+1 {{'dl.adam_update' op beta1 must be in [0, 1), got 2}}
  %0:3 = dl.adam_update %p, %g, %lr, %step, %p, %p {beta1 = 2.0 : f64, beta2 = 0.999 : f64, eps = 1.0e-8 : f64} : tensor<4xf32>
  return
}

// -----

// Tests that fold_batchnorm checks its per-channel operands against the
// weight's output channels.
func.func @fold_batchnorm_channels(%w: tensor<8x3x3x3xf32>, %s: tensor<4xf32>) {
  // expected-error@+1 {{expects per-channel operands of shape [8], got 'tensor<4xf32>'}}
  %0, %1 = dl.fold_batchnorm %w, %s, %s, %s, %s, %s {eps = 1.0e-05 : f64}
      : tensor<8x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>
  return
}

// -----
// Tests that winograd_filter takes a 3x3 kernel only.
func.func @winograd_filter_kernel(%w: tensor<8x4x5x5xf32>) {
  // expected-error@+2 {{expects a 3x3 kernel}}
  // expected-error@+1 {{'dl.winograd_filter' op failed to infer returned types}}
  %0 = dl.winograd_filter %w : tensor<8x4x5x5xf32> -> tensor<16x8x4xf32>
  return
}

// -----
// Tests that winograd_conv2d's filter has the input's channels.
func.func @winograd_conv2d_channels(%x: tensor<?x3x8x8xf32>, %u: tensor<16x8x4xf32>) {
  // expected-error@+2 {{filter expects 4 input channels, the input has 3}}
  // expected-error@+1 {{'dl.winograd_conv2d' op failed to infer returned types}}
  %0 = dl.winograd_conv2d %x, %u : tensor<?x3x8x8xf32>, tensor<16x8x4xf32> -> tensor<?x8x6x6xf32>
  return
}

// -----
// Tests that winograd_conv2d's filter is [16, F, C].
func.func @winograd_conv2d_filter(%x: tensor<?x4x8x8xf32>, %u: tensor<9x8x4xf32>) {
  // expected-error@+2 {{expects a filter of shape [16, F, C]}}
  // expected-error@+1 {{'dl.winograd_conv2d' op failed to infer returned types}}
  %0 = dl.winograd_conv2d %x, %u : tensor<?x4x8x8xf32>, tensor<9x8x4xf32> -> tensor<?x8x6x6xf32>
  return
}

// -----
// Tests that matmul's bias has one value per column of the result.
func.func @matmul_bias(%x: tensor<?x64xf32>, %wt: tensor<64x32xf32>, %b: tensor<64xf32>) {
  // expected-error@+2 {{expects a bias of shape [32], got 'tensor<64xf32>'}}
  // expected-error@+1 {{'dl.matmul' op failed to infer returned types}}
  %0 = dl.matmul %x, %wt, %b : tensor<?x64xf32>, tensor<64x32xf32>, tensor<64xf32> -> tensor<?x32xf32>
  return
}

// -----
// Tests that transpose takes a matrix.
func.func @transpose_rank(%w: tensor<8x4x3xf32>) {
  // expected-error@+2 {{expects a rank-2 input [M, N], got 'tensor<8x4x3xf32>'}}
  // expected-error@+1 {{'dl.transpose' op failed to infer returned types}}
  %0 = dl.transpose %w : tensor<8x4x3xf32> -> tensor<4x8xf32>
  return
}
