// RUN: dlc-opt %s -split-input-file -verify-diagnostics

// Tests that conv2d rejects an input that is not [N, C, H, W].
func.func @conv_rank(%x: tensor<?x3x32xf32>, %w: tensor<8x3x3x3xf32>) {
  // expected-error@+2 {{expects a rank-4 input [N, C, H, W], got 'tensor<?x3x32xf32>'}}
  // expected-error@+1 {{'dl.conv2d' op failed to infer returned types}}
  %0 = dl.conv2d %x, %w : tensor<?x3x32xf32>, tensor<8x3x3x3xf32> -> tensor<?x8x30x30xf32>
  return
}

// -----
// Tests that conv2d's weight must take the input's channels.
func.func @conv_channels(%x: tensor<?x4x32x32xf32>, %w: tensor<8x3x3x3xf32>) {
  // expected-error@+2 {{weight expects 3 input channels, the input has 4}}
  // expected-error@+1 {{'dl.conv2d' op failed to infer returned types}}
  %0 = dl.conv2d %x, %w : tensor<?x4x32x32xf32>, tensor<8x3x3x3xf32> -> tensor<?x8x30x30xf32>
  return
}

// -----
// Tests that conv2d's groups must divide the channels.
func.func @conv_groups(%x: tensor<?x4x32x32xf32>, %w: tensor<6x2x3x3xf32>) {
  // expected-error@+2 {{groups (4) must divide the input and output channels}}
  // expected-error@+1 {{'dl.conv2d' op failed to infer returned types}}
  %0 = dl.conv2d %x, %w {groups = 4 : i64} : tensor<?x4x32x32xf32>, tensor<6x2x3x3xf32> -> tensor<?x6x30x30xf32>
  return
}

// -----
// Tests that conv2d's bias has one value per output channel.
func.func @conv_bias(%x: tensor<?x3x32x32xf32>, %w: tensor<8x3x3x3xf32>, %b: tensor<7xf32>) {
  // expected-error@+2 {{expects a bias of shape [8], got 'tensor<7xf32>'}}
  // expected-error@+1 {{'dl.conv2d' op failed to infer returned types}}
  %0 = dl.conv2d %x, %w, %b : tensor<?x3x32x32xf32>, tensor<8x3x3x3xf32>, tensor<7xf32> -> tensor<?x8x30x30xf32>
  return
}

// -----
// Tests that a kernel larger than the padded input is rejected.
func.func @conv_fit(%x: tensor<?x3x4x4xf32>, %w: tensor<8x3x5x5xf32>) {
  // expected-error@+2 {{the window (kernel 5, dilation 1) does not fit an input of size 4 padded by 0}}
  // expected-error@+1 {{'dl.conv2d' op failed to infer returned types}}
  %0 = dl.conv2d %x, %w : tensor<?x3x4x4xf32>, tensor<8x3x5x5xf32> -> tensor<?x8x1x1xf32>
  return
}

// -----
// Tests that a stride must be positive.
func.func @conv_stride(%x: tensor<?x3x8x8xf32>, %w: tensor<8x3x3x3xf32>) {
  // expected-error@+2 {{stride must be >= 1}}
  // expected-error@+1 {{'dl.conv2d' op failed to infer returned types}}
  %0 = dl.conv2d %x, %w {stride = array<i64: 0, 1>} : tensor<?x3x8x8xf32>, tensor<8x3x3x3xf32> -> tensor<?x8x6x6xf32>
  return
}

// -----
// Tests that strides are (height, width) pairs.
func.func @conv_pair(%x: tensor<?x3x8x8xf32>, %w: tensor<8x3x3x3xf32>) {
  // expected-error@+1 {{attribute 'stride' failed to satisfy constraint}}
  %0 = dl.conv2d %x, %w {stride = array<i64: 1, 1, 1>} : tensor<?x3x8x8xf32>, tensor<8x3x3x3xf32> -> tensor<?x8x6x6xf32>
  return
}

// -----
// Tests that the result type must be the inferred one.
func.func @conv_result(%x: tensor<?x3x8x8xf32>, %w: tensor<8x3x3x3xf32>) {
  // expected-error@+2 {{inferred type(s) 'tensor<?x8x6x6xf32>' are incompatible with return type(s) of operation 'tensor<?x8x8x8xf32>'}}
  // expected-error@+1 {{'dl.conv2d' op failed to infer returned types}}
  %0 = dl.conv2d %x, %w : tensor<?x3x8x8xf32>, tensor<8x3x3x3xf32> -> tensor<?x8x8x8xf32>
  return
}

// -----
// Tests that conv_transpose2d's weight [C, F, k, k] takes the input's channels.
func.func @convt_channels(%x: tensor<?x4x8x8xf32>, %w: tensor<8x2x2x2xf32>) {
  // expected-error@+2 {{weight expects 8 input channels, the input has 4}}
  // expected-error@+1 {{'dl.conv_transpose2d' op failed to infer returned types}}
  %0 = dl.conv_transpose2d %x, %w {stride = array<i64: 2, 2>} : tensor<?x4x8x8xf32>, tensor<8x2x2x2xf32> -> tensor<?x2x16x16xf32>
  return
}

// -----
// Tests that padding cannot consume the whole transposed-convolution output.
func.func @convt_pad(%x: tensor<?x4x1x1xf32>, %w: tensor<4x2x2x2xf32>) {
  // expected-error@+2 {{padding leaves no output}}
  // expected-error@+1 {{'dl.conv_transpose2d' op failed to infer returned types}}
  %0 = dl.conv_transpose2d %x, %w {padding = array<i64: 1, 1>} : tensor<?x4x1x1xf32>, tensor<4x2x2x2xf32> -> tensor<?x2x1x1xf32>
  return
}

// -----
// Tests that dense needs a rank-2 input.
func.func @dense_rank(%x: tensor<?x16x5x5xf32>, %w: tensor<120x400xf32>) {
  // expected-error@+2 {{expects a rank-2 input [N, K], got 'tensor<?x16x5x5xf32>'}}
  // expected-error@+1 {{'dl.dense' op failed to infer returned types}}
  %0 = dl.dense %x, %w : tensor<?x16x5x5xf32>, tensor<120x400xf32> -> tensor<?x120xf32>
  return
}

// -----
// Tests that dense's weight [F, K] takes the input's features.
func.func @dense_features(%x: tensor<?x300xf32>, %w: tensor<120x400xf32>) {
  // expected-error@+2 {{weight expects 400 input features, the input has 300}}
  // expected-error@+1 {{'dl.dense' op failed to infer returned types}}
  %0 = dl.dense %x, %w : tensor<?x300xf32>, tensor<120x400xf32> -> tensor<?x120xf32>
  return
}

// -----
// Tests that batchnorm's statistics have one value per channel.
func.func @bn_channels(%x: tensor<?x8x4x4xf32>, %s: tensor<8xf32>, %bad: tensor<4xf32>) {
  // expected-error@+1 {{expects per-channel tensors of shape [8]}}
  %0 = dl.batchnorm %x, %s, %s, %bad, %s : tensor<?x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<4xf32>, tensor<8xf32>
  return
}

// -----
// Tests that batchnorm's eps is positive.
func.func @bn_eps(%x: tensor<?x8xf32>, %s: tensor<8xf32>) {
  // expected-error@+1 {{eps must be positive}}
  %0 = dl.batchnorm %x, %s, %s, %s, %s {eps = 0.0 : f64} : tensor<?x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>
  return
}

// -----
// Tests that batchnorm's momentum is a fraction.
func.func @bn_momentum(%x: tensor<?x8xf32>, %s: tensor<8xf32>) {
  // expected-error@+1 {{momentum must be in [0, 1], got 2}}
  %0 = dl.batchnorm %x, %s, %s, %s, %s {momentum = 2.0 : f64} : tensor<?x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>
  return
}

// -----
// Tests that dropout's probability is in [0, 1).
func.func @dropout_p(%x: tensor<?x8xf32>) {
  // expected-error@+1 {{expects a probability p in [0, 1), got 1}}
  %0 = dl.dropout %x {p = 1.0 : f64} : tensor<?x8xf32>
  return
}

// -----
// Tests that activations keep their operand's type.
func.func @relu_type(%x: tensor<?x8xf32>) {
  // expected-error@+1 {{requires the same type for all operands and results}}
  %0 = "dl.relu"(%x) : (tensor<?x8xf32>) -> tensor<?x9xf32>
  return
}

// -----
// Tests that dl ops work on f32 activations only.
func.func @relu_dtype(%x: tensor<?x8xi32>) {
  // expected-error@+1 {{must be ranked tensor of 32-bit float values}}
  %0 = dl.relu %x : tensor<?x8xi32>
  return
}

// -----
// Tests that softmax cannot normalise over the batch.
func.func @softmax_axis(%x: tensor<?x8xf32>) {
  // expected-error@+1 {{axis 0 is out of range [1, 2)}}
  %0 = dl.softmax %x {axis = 0 : i64} : tensor<?x8xf32>
  return
}

// -----
// Tests that a negative axis is reported as written (the attribute is
// signed), not as 2^64 - 1.
func.func @softmax_negative_axis(%x: tensor<?x8xf32>) {
  // expected-error@+1 {{axis -1 is out of range [1, 2)}}
  %0 = dl.softmax %x {axis = -1 : i64} : tensor<?x8xf32>
  return
}

// -----
// Tests that element-wise operands have the same shape unless one is a scalar.
func.func @add_shapes(%x: tensor<?x8xf32>, %y: tensor<?x9xf32>) {
  // expected-error@+2 {{operands must have the same shape, got 'tensor<?x8xf32>' and 'tensor<?x9xf32>'}}
  // expected-error@+1 {{'dl.add' op failed to infer returned types}}
  %0 = dl.add %x, %y : tensor<?x8xf32>, tensor<?x9xf32> -> tensor<?x8xf32>
  return
}

// -----
// Tests that pooling needs [N, C, H, W].
func.func @pool_rank(%x: tensor<?x8xf32>) {
  // expected-error@+2 {{expects a rank-4 input [N, C, H, W], got 'tensor<?x8xf32>'}}
  // expected-error@+1 {{'dl.maxpool2d' op failed to infer returned types}}
  %0 = dl.maxpool2d %x {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>} : tensor<?x8xf32> -> tensor<?x8xf32>
  return
}

// -----
// Tests that pooling padding is at most half the kernel, as in PyTorch.
func.func @pool_pad(%x: tensor<?x8x8x8xf32>) {
  // expected-error@+2 {{padding must be at most half the kernel}}
  // expected-error@+1 {{'dl.avgpool2d' op failed to infer returned types}}
  %0 = dl.avgpool2d %x {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, padding = array<i64: 2, 2>} : tensor<?x8x8x8xf32> -> tensor<?x8x6x6xf32>
  return
}

// -----
// Tests that pooling requires its kernel.
func.func @pool_kernel(%x: tensor<?x8x8x8xf32>) {
  // expected-error@+1 {{requires attribute 'kernel'}}
  %0 = "dl.maxpool2d"(%x) <{stride = array<i64: 2, 2>}> : (tensor<?x8x8x8xf32>) -> tensor<?x8x4x4xf32>
  return
}

// -----
// Tests that global_avgpool needs [N, C, H, W].
func.func @gap_rank(%x: tensor<?x8xf32>) {
  // expected-error@+2 {{expects a rank-4 input [N, C, H, W], got 'tensor<?x8xf32>'}}
  // expected-error@+1 {{'dl.global_avgpool' op failed to infer returned types}}
  %0 = dl.global_avgpool %x : tensor<?x8xf32> -> tensor<?x8x1x1xf32>
  return
}

// -----
// Tests that flatten keeps the batch and needs something to flatten.
func.func @flatten_rank(%x: tensor<?xf32>) {
  // expected-error@+2 {{expects an input of rank >= 2, got rank 1}}
  // expected-error@+1 {{'dl.flatten' op failed to infer returned types}}
  %0 = dl.flatten %x : tensor<?xf32> -> tensor<?x1xf32>
  return
}

// -----
// Tests that concat's inputs agree on every dimension but the axis.
func.func @concat_dims(%a: tensor<?x8x4x4xf32>, %b: tensor<?x8x5x5xf32>) {
  // expected-error@+2 {{inputs differ in dimension 2 (4 vs 5)}}
  // expected-error@+1 {{'dl.concat' op failed to infer returned types}}
  %0 = dl.concat %a, %b : tensor<?x8x4x4xf32>, tensor<?x8x5x5xf32> -> tensor<?x16x4x4xf32>
  return
}

// -----
// Tests that concat cannot join along the batch.
func.func @concat_axis(%a: tensor<?x8xf32>) {
  // expected-error@+2 {{axis 0 is out of range [1, 2)}}
  // expected-error@+1 {{'dl.concat' op failed to infer returned types}}
  %0 = dl.concat %a, %a {axis = 0 : i64} : tensor<?x8xf32>, tensor<?x8xf32> -> tensor<?x8xf32>
  return
}

// -----
// Tests that cross_entropy's targets fit its logits.
func.func @ce_shapes(%l: tensor<?x10xf32>, %t: tensor<?x10xi32>) {
  // expected-error@+1 {{expects logits [N, K] with targets [N], or logits [N, K, H, W] with targets [N, H, W]}}
  %0 = dl.cross_entropy %l, %t : tensor<?x10xf32>, tensor<?x10xi32>
  return
}

// -----
// Tests that cross_entropy takes class indices.
func.func @ce_dtype(%l: tensor<?x10xf32>, %t: tensor<?xf32>) {
  // expected-error@+1 {{must be ranked tensor of 32-bit signless integer values}}
  %0 = dl.cross_entropy %l, %t : tensor<?x10xf32>, tensor<?xf32>
  return
}

// -----
// Tests that regression losses compare same-shaped tensors.
func.func @mse_shapes(%p: tensor<?x1x8x8xf32>, %t: tensor<?x1x4x4xf32>) {
  // expected-error@+1 {{prediction and target must have the same shape}}
  %0 = dl.mse %p, %t : tensor<?x1x8x8xf32>, tensor<?x1x4x4xf32>
  return
}

// -----
// Tests that the optimizer attribute names a known optimizer.
// expected-error@+1 {{'dl.optimizer' must be a dictionary whose 'name' is "sgd", "adam" or "adamw"}}
module attributes {dl.optimizer = {name = "rmsprop"}} {}

// -----
// Tests that optimizer hyper-parameters are numbers.
// expected-error@+1 {{optimizer hyper-parameter 'lr' must be a float or a bool}}
module attributes {dl.optimizer = {name = "sgd", lr = "fast"}} {}

// -----
// Tests that interface names are non-empty strings.
// expected-error@+1 {{'dl.param' must be a non-empty string}}
func.func @param_name(%w: tensor<2xf32> {dl.param = 3 : i64}) {
  return
}

// -----
// Tests that outputs are named with dl.output, not dl.input.
// expected-error@+1 {{unexpected dl attribute 'dl.input' here}}
func.func @result_attr() -> (tensor<2xf32> {dl.input = "x"}) {
  %0 = arith.constant dense<0.0> : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----
// Tests that a part of a parallel loop is named by a symbol (or marked with
// a unit attribute) and the scratch size is an integer.
// expected-error@+1 {{'dl.parallel_part' must be a unit attribute or a symbol}}
func.func private @part() attributes {dl.parallel_part = 3 : i64}

// -----
// expected-error@+1 {{'dl.scratch_size' must be an integer}}
module attributes {dl.scratch_size = "big"} {
}
