//===- DLTrainOps.td - Ops that only the compiler emits ---*- tablegen -*-===//
//
// What the autodiff pass (dl-generate-train-step) emits: the backward of
// each language op, the pieces of training-mode batchnorm and dropout, and
// the optimizers' update rules; and what inference rewrites emit (batchnorm
// folded into a layer's weights). Each op infers its result types from its
// operands (InferTypeOpInterface), or, where the operands do not determine
// them (a strided convolution's input size, a reshape's target), verifies
// them; a wrong result type fails at verification, never in the lowering.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_DIALECT_DL_IR_DLTRAINOPS_TD
#define DLC_DIALECT_DL_IR_DLTRAINOPS_TD

//===----------------------------------------------------------------------===//
// Backward of layers
//===----------------------------------------------------------------------===//

def DL_Conv2DGradInputOp : DL_Op<"conv2d_grad_input", [Pure]> {
  let summary = "Gradient of conv2d with respect to its input";
  let description = [{
    `dx = conv2d_grad_input(dy, w)`, with the forward convolution's
    attributes; the result has the forward input's type. A strided
    convolution maps several input sizes to one output size, so the result
    type is written out and verified: the forward convolution of it gives
    `dy`'s shape.

    ```mlir
    %dx = dl.conv2d_grad_input %dy, %w {padding = array<i64: 1, 1>}
        : tensor<?x8x6x6xf32>, tensor<8x3x3x3xf32> -> tensor<?x3x6x6xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$grad, DL_FloatTensor:$weight,
                   DL_PairOf<"1">:$stride, DL_PairOf<"0">:$padding,
                   DL_PairOf<"1">:$dilation,
                   DL_Groups:$groups);
  let results = (outs DL_FloatTensor:$output);
  let assemblyFormat = [{
    $grad `,` $weight attr-dict `:` type($grad) `,` type($weight) `->` type($output)
  }];
  let hasVerifier = 1;
}

def DL_Conv2DGradWeightOp : DL_Op<"conv2d_grad_weight", [Pure]> {
  let summary = "Gradient of conv2d with respect to its weight";
  let description = [{
    `dw[f, c, i, j] = sum over n, y, x of dy[n, f, y, x] * input[n, c',
    y*stride + i*dilation - pad, ...]`; the result has the weight's type
    (written out, since the kernel size is not determined by the operands,
    and verified).

    ```mlir
    %dw = dl.conv2d_grad_weight %x, %dy {padding = array<i64: 1, 1>}
        : tensor<?x3x6x6xf32>, tensor<?x8x6x6xf32> -> tensor<8x3x3x3xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$input, DL_FloatTensor:$grad,
                   DL_PairOf<"1">:$stride, DL_PairOf<"0">:$padding,
                   DL_PairOf<"1">:$dilation,
                   DL_Groups:$groups);
  let results = (outs DL_FloatTensor:$output);
  let assemblyFormat = [{
    $input `,` $grad attr-dict `:` type($input) `,` type($grad) `->` type($output)
  }];
  let hasVerifier = 1;
}

def DL_MatmulOp : DL_Op<"matmul", [Pure, InferTypeOpAdaptor]> {
  let summary = "Matrix product with optional transposes: op(a) * op(b) (+ bias)";
  let description = [{
    Dense's backward: `dx = matmul(dy, w)` and `dw = matmul(dy, x)
    {transpose_a}`; a dense layer whose weight was transposed once
    (dl-transpose-dense-weights): `y = matmul(x, wt, b)`, the optional bias
    `[N]` added to every row.

    ```mlir
    %dw = dl.matmul %dy, %x {transpose_a} : tensor<?x10xf32>, tensor<?x64xf32>
        -> tensor<10x64xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$a, DL_FloatTensor:$b,
                   Optional<DL_FloatTensor>:$bias, UnitAttr:$transpose_a);
  let results = (outs DL_FloatTensor:$output);
  let assemblyFormat = [{
    $a `,` $b (`,` $bias^)? attr-dict `:` type($a) `,` type($b)
    (`,` type($bias)^)? `->` type($output)
  }];
}

def DL_ChannelSumOp : DL_Op<"channel_sum", [Pure, InferTypeOpAdaptor]> {
  let summary = "Sum over every dimension but 1: a bias's gradient";
  let description = [{
    ```mlir
    %db = dl.channel_sum %dy : tensor<?x8x6x6xf32> -> tensor<8xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$input);
  let results = (outs DL_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

//===----------------------------------------------------------------------===//
// Backward of element-wise, pooling and shape ops
//===----------------------------------------------------------------------===//

class DL_ActivationGradOp<string mnemonic, string rule, dag attrs = (ins)>
    : DL_Op<mnemonic, [Pure, SameOperandsAndResultType, InferTypeOpInterface]> {
  let summary = "Activation backward: " # rule;
  let description = [{
    ```mlir
    %dx = dl.}] # mnemonic # [{ %dy, %v : tensor<?x64xf32>
    ```
  }];
  let arguments = !con((ins DL_FloatTensor:$grad, DL_FloatTensor:$value), attrs);
  let results = (outs DL_FloatTensor:$output);
  let assemblyFormat = "$grad `,` $value attr-dict `:` type($grad)";
}
def DL_ReluGradOp : DL_ActivationGradOp<"relu_grad", "dy where y > 0, of the result y">;
def DL_LeakyReluGradOp : DL_ActivationGradOp<"leaky_relu_grad",
    "dy where x > 0, else alpha * dy, of the input x",
    (ins DefaultValuedAttr<F64Attr, "0.01">:$alpha)>;
def DL_SigmoidGradOp : DL_ActivationGradOp<"sigmoid_grad", "dy * y * (1 - y), of the result y">;
def DL_TanhGradOp : DL_ActivationGradOp<"tanh_grad", "dy * (1 - y^2), of the result y">;

def DL_SoftmaxGradOp : DL_Op<"softmax_grad", [Pure, SameOperandsAndResultType,
                                               InferTypeOpInterface]> {
  let summary = "Softmax backward: y * (dy - sum(dy * y, axis))";
  let description = [{
    ```mlir
    %dx = dl.softmax_grad %dy, %y {axis = 1 : i64} : tensor<?x10xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$grad, DL_FloatTensor:$value,
                   DL_SignedI64Of<"1">:$axis);
  let results = (outs DL_FloatTensor:$output);
  let assemblyFormat = "$grad `,` $value attr-dict `:` type($grad)";
  let hasVerifier = 1;
}

class DL_PoolGradOp<string mnemonic, string desc>
    : DL_Op<mnemonic, [Pure, AllTypesMatch<["input", "output"]>]> {
  let summary = desc;
  let description = [{
    The forward pool's attributes; the result has the forward input's type
    (`input` gives it, and for max pooling the window's maximum), and `grad`
    has the type of the forward pool's result.

    ```mlir
    %dx = dl.}] # mnemonic # [{ %dy, %x {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>}
        : tensor<?x6x14x14xf32>, tensor<?x6x28x28xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$grad, DL_FloatTensor:$input,
                   DL_Pair:$kernel, DL_Pair:$stride, DL_PairOf<"0">:$padding);
  let results = (outs DL_FloatTensor:$output);
  let assemblyFormat = "$grad `,` $input attr-dict `:` type($grad) `,` type($input)";
  let hasVerifier = 1;
}
def DL_MaxPool2DGradOp : DL_PoolGradOp<"maxpool2d_grad",
    "Max pooling backward: dy goes to each window's first maximum">;
def DL_AvgPool2DGradOp : DL_PoolGradOp<"avgpool2d_grad",
    "Average pooling backward: dy / (kernel area) to every window element">;

def DL_ReshapeOp : DL_Op<"reshape", [Pure]> {
  let summary = "Same elements, another shape with the same batch (flatten's backward)";
  let description = [{
    ```mlir
    %dx = dl.reshape %dy : tensor<?x400xf32> -> tensor<?x16x5x5xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$input);
  let results = (outs DL_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

def DL_SliceOp : DL_Op<"slice", [Pure]> {
  let summary = "The part of a tensor at `offset` along `axis` (concat's backward)";
  let description = [{
    ```mlir
    %da = dl.slice %dy {axis = 1 : i64, offset = 64 : i64}
        : tensor<?x96x8x8xf32> -> tensor<?x32x8x8xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$input, DL_SignedI64Attr:$axis,
                   DL_SignedI64Attr:$offset);
  let results = (outs DL_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Training-mode batchnorm and dropout
//===----------------------------------------------------------------------===//

def DL_BatchStatsOp : DL_Op<"batch_stats", [Pure, InferTypeOpAdaptor, DL_Differentiable]> {
  let summary = "Per-channel mean and biased variance over N and space";
  let description = [{
    ```mlir
    %mean, %var = dl.batch_stats %x : tensor<?x64x8x8xf32> -> tensor<64xf32>, tensor<64xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$input);
  let results = (outs DL_FloatTensor:$mean, DL_FloatTensor:$variance);
  let assemblyFormat = [{
    $input attr-dict `:` type($input) `->` type($mean) `,` type($variance)
  }];
}

def DL_RunningStatsOp : DL_Op<"running_stats", [Pure, InferTypeOpAdaptor, DL_Differentiable,
    AllTypesMatch<["running_mean", "running_var", "mean", "variance"]>]> {
  let summary = "PyTorch's running-statistics update of BatchNorm";
  let description = [{
    `mean' = (1 - m) * mean + m * batch_mean`, `var' = (1 - m) * var + m *
    batch_var * n / (n - 1)` (the unbiased batch variance), n = the number
    of values per channel of `input`.

    ```mlir
    %m2, %v2 = dl.running_stats %m, %v, %bm, %bv, %x {momentum = 1.0e-01 : f64}
        : tensor<64xf32>, tensor<?x64x8x8xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$running_mean, DL_FloatTensor:$running_var,
                   DL_FloatTensor:$mean, DL_FloatTensor:$variance,
                   DL_FloatTensor:$input, F64Attr:$momentum);
  let results = (outs DL_FloatTensor:$new_mean, DL_FloatTensor:$new_var);
  let assemblyFormat = [{
    $running_mean `,` $running_var `,` $mean `,` $variance `,` $input attr-dict
    `:` type($running_mean) `,` type($input)
  }];
  let builders = [OpBuilder<(ins "Value":$rm, "Value":$rv, "Value":$mean,
      "Value":$var, "Value":$input, "double":$momentum), [{
    build($_builder, $_state, rm, rv, mean, var, input,
          $_builder.getF64FloatAttr(momentum));
  }]>];
  let hasVerifier = 1;
}

def DL_BatchNormGradOp : DL_Op<"batchnorm_grad", [Pure, InferTypeOpAdaptor,
    AllTypesMatch<["grad", "input"]>, AllTypesMatch<["weight", "mean", "variance"]>]> {
  let summary = "Backward of batchnorm on batch statistics";
  let description = [{
    With `xhat = (x - mean) / sqrt(var + eps)` and n values per channel:
    `dweight = sum(dy * xhat)`, `dbias = sum(dy)`,
    `dx = weight / sqrt(var + eps) * (dy - dbias / n - xhat * dweight / n)`.

    ```mlir
    %dx, %dw, %db = dl.batchnorm_grad %dy, %x, %w, %mean, %var {eps = 1.0e-05 : f64}
        : tensor<?x64x8x8xf32>, tensor<64xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$grad, DL_FloatTensor:$input,
                   DL_FloatTensor:$weight, DL_FloatTensor:$mean,
                   DL_FloatTensor:$variance, F64Attr:$eps);
  let results = (outs DL_FloatTensor:$input_grad, DL_FloatTensor:$weight_grad,
                      DL_FloatTensor:$bias_grad);
  let assemblyFormat = [{
    $grad `,` $input `,` $weight `,` $mean `,` $variance attr-dict
    `:` type($grad) `,` type($weight)
  }];
  let builders = [OpBuilder<(ins "Value":$grad, "Value":$input, "Value":$weight,
      "Value":$mean, "Value":$var, "double":$eps), [{
    build($_builder, $_state, grad, input, weight, mean, var,
          $_builder.getF64FloatAttr(eps));
  }]>];
  let hasVerifier = 1;
}

def DL_DropoutMaskOp : DL_Op<"dropout_mask", [Pure, AllTypesMatch<["like", "mask"]>,
                                               DL_Differentiable]> {
  let summary = "Dropout's scaled keep mask from a counter-based RNG";
  let description = [{
    Each element is `1 / (1 - p)` with probability `1 - p`, else 0. The
    draw is a hash of (`seed`, `step`, `stream`, the element's index), so
    the same seed and step give the same mask; `stream` tells the dropout
    layers of one network apart. `like` gives the shape.

    ```mlir
    %mask = dl.dropout_mask %x, %seed, %step {p = 5.0e-01 : f64, stream = 0 : i64}
        : tensor<?x4096xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$like, DL_Counter:$seed,
                   DL_Counter:$step, F64Attr:$p, I64Attr:$stream);
  let results = (outs DL_FloatTensor:$mask);
  let assemblyFormat = "$like `,` $seed `,` $step attr-dict `:` type($like)";
  let builders = [OpBuilder<(ins "Value":$like, "Value":$seed, "Value":$step,
      "double":$p, "int64_t":$stream), [{
    build($_builder, $_state, like, seed, step, $_builder.getF64FloatAttr(p),
          $_builder.getI64IntegerAttr(stream));
  }]>];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Backward of losses
//===----------------------------------------------------------------------===//

class DL_LossGradOp<string mnemonic, string loss>
    : DL_Op<mnemonic, [Pure, InferTypeOpAdaptor]> {
  let summary = "Gradient of " # loss # " with respect to its input, times `grad`";
  let description = [{
    `grad` is the loss's own (scalar) gradient; input and target are as
    `dl.}] # loss # [{` takes them, and the result has the input's type.

    ```mlir
    %dx = dl.}] # mnemonic # [{ %x, %t, %g : tensor<?x10xf32>, tensor<?xi32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$input, DL_TargetTensor:$target,
                   DL_ScalarOperand:$grad);
  let results = (outs DL_FloatTensor:$output);
  let assemblyFormat = "$input `,` $target `,` $grad attr-dict `:` type($input) `,` type($target)";
}
def DL_CrossEntropyGradOp : DL_LossGradOp<"cross_entropy_grad", "cross_entropy">;
def DL_MseGradOp : DL_LossGradOp<"mse_grad", "mse">;
def DL_L1GradOp : DL_LossGradOp<"l1_grad", "l1">;
def DL_BceWithLogitsGradOp : DL_LossGradOp<"bce_with_logits_grad", "bce_with_logits">;
def DL_DiceGradOp : DL_LossGradOp<"dice_grad", "dice">;

//===----------------------------------------------------------------------===//
// Optimizer updates (PyTorch's torch.optim rules)
//===----------------------------------------------------------------------===//

def DL_SgdUpdateOp : DL_Op<"sgd_update", [Pure, InferTypeOpAdaptor]> {
  let summary = "torch.optim.SGD's step for one parameter";
  let description = [{
    `d = grad + weight_decay * param`; with momentum, `buf = d` on the
    first step (`step` = 0) and `momentum * buf + (1 - dampening) * d`
    after it, then `d = d + momentum * buf` (nesterov) or `buf`;
    `param - lr * d`. Results: the parameter, then the buffer (with
    momentum only).

    ```mlir
    %p2, %b2 = dl.sgd_update %p, %g, %lr, %step, %b {momentum = 9.0e-01 : f64}
        : tensor<10x64xf32>, tensor<10x64xf32>, tensor<10x64xf32>
        -> tensor<10x64xf32>, tensor<10x64xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$param, DL_FloatTensor:$grad,
                   DL_ScalarOperand:$lr, DL_Counter:$step,
                   Optional<DL_FloatTensor>:$momentum_buffer,
                   DefaultValuedAttr<F64Attr, "0.0">:$momentum,
                   DefaultValuedAttr<F64Attr, "0.0">:$dampening,
                   DefaultValuedAttr<F64Attr, "0.0">:$weight_decay,
                   UnitAttr:$nesterov);
  let results = (outs Variadic<DL_FloatTensor>:$updated);
  let assemblyFormat = [{
    $param `,` $grad `,` $lr `,` $step (`,` $momentum_buffer^)? attr-dict
    `:` type($param) `,` type($grad) (`,` type($momentum_buffer)^)? `->` type($updated)
  }];
  let hasVerifier = 1;
}

def DL_AdamUpdateOp : DL_Op<"adam_update", [Pure, AllTypesMatch<["param", "grad", "exp_avg", "exp_avg_sq", "new_param",
                   "new_exp_avg", "new_exp_avg_sq"]>]> {
  let summary = "torch.optim.Adam's (or, `decoupled`, AdamW's) step for one parameter";
  let description = [{
    Adam adds `weight_decay * param` to the gradient; AdamW multiplies the
    parameter by `1 - lr * weight_decay` instead. Then `m = beta1 * m +
    (1 - beta1) * g`, `v = beta2 * v + (1 - beta2) * g^2`, t = step + 1,
    `param - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)`.
    Results: parameter, m, v.

    ```mlir
    %p2, %m2, %v2 = dl.adam_update %p, %g, %lr, %step, %m, %v {beta1 = 9.0e-01 : f64,
        beta2 = 9.99e-01 : f64, eps = 1.0e-08 : f64} : tensor<10x64xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$param, DL_FloatTensor:$grad,
                   DL_ScalarOperand:$lr, DL_Counter:$step,
                   DL_FloatTensor:$exp_avg, DL_FloatTensor:$exp_avg_sq,
                   F64Attr:$beta1, F64Attr:$beta2, F64Attr:$eps,
                   DefaultValuedAttr<F64Attr, "0.0">:$weight_decay,
                   UnitAttr:$decoupled);
  let results = (outs DL_FloatTensor:$new_param, DL_FloatTensor:$new_exp_avg,
                      DL_FloatTensor:$new_exp_avg_sq);
  let assemblyFormat = [{
    $param `,` $grad `,` $lr `,` $step `,` $exp_avg `,` $exp_avg_sq attr-dict
    `:` type($param)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Inference rewrites
//===----------------------------------------------------------------------===//

def DL_FoldBatchNormOp : DL_Op<"fold_batchnorm", [Pure, InferTypeOpAdaptor,
    AllTypesMatch<["gamma", "beta", "running_mean", "running_var"]>]> {
  let summary = "A layer's weight and bias with inference batchnorm folded in";
  let description = [{
    For a convolution or dense layer (weight `[F, ...]`, optional bias `[F]`)
    followed by inference batchnorm over its F channels, as PyTorch's
    `fuse_conv_bn_weights`: with `s = gamma / sqrt(running_var + eps)`,
    `weight' = weight * s` (per output channel) and
    `bias' = (bias - running_mean) * s + beta` (bias 0 when absent).

    ```mlir
    %w2, %b2 = dl.fold_batchnorm %w, %b, %gamma, %beta, %mean, %var {eps = 1.0e-05 : f64}
        : tensor<64x3x3x3xf32>, tensor<64xf32>, tensor<64xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$weight, Optional<DL_FloatTensor>:$bias,
                   DL_FloatTensor:$gamma, DL_FloatTensor:$beta,
                   DL_FloatTensor:$running_mean, DL_FloatTensor:$running_var,
                   F64Attr:$eps);
  let results = (outs DL_FloatTensor:$folded_weight, DL_FloatTensor:$folded_bias);
  let assemblyFormat = [{
    $weight (`,` $bias^)? `,` $gamma `,` $beta `,` $running_mean `,`
    $running_var attr-dict `:` type($weight) `,` type($gamma) (`,` type($bias)^)?
  }];
}

def DL_WinogradFilterOp : DL_Op<"winograd_filter", [Pure, InferTypeOpAdaptor]> {
  let summary = "A 3x3 convolution's weight in Winograd F(2x2, 3x3) form";
  let description = [{
    `u[4a + b, f, c] = sum over i, j of G[a, i] * G[b, j] * w[f, c, i, j]`
    for a weight `[F, C, 3, 3]` and Lavin and Gray's `G` (4 x 3); the result
    is `[16, F, C]`: one matrix of filters x channels per point (a, b) of the
    transformed 4 x 4 patch (`dl.winograd_conv2d`). With `transposed`, the
    filter of the convolution's input gradient, whose kernel is `w` flipped
    with its channels swapped: `G[a, i] * G[b, j] * w[f, c, 2 - i, 2 - j]`
    into `[16, C, F]`.

    ```mlir
    %u = dl.winograd_filter %w : tensor<64x32x3x3xf32> -> tensor<16x64x32xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$weight, UnitAttr:$transposed);
  let results = (outs DL_FloatTensor:$filter);
  let assemblyFormat = [{
    $weight attr-dict `:` type($weight) `->` type($filter)
  }];
}

def DL_WinogradConv2DOp : DL_Op<"winograd_conv2d", [Pure, InferTypeOpAdaptor]> {
  let summary = "A stride-1 3x3 convolution by Winograd's F(2x2, 3x3)";
  let description = [{
    `dl.conv2d` of `input` `[N, C, H, W]` with the 3 x 3 weight that
    `dl.winograd_filter` turned into `filter` `[16, F, C]`, stride and
    dilation 1, one group, optional bias `[F]`; result
    `[N, F, H + 2*pad - 2, W + 2*pad - 2]`. Each 2 x 2 output block is
    `At [u * (Bt d B)] A` summed over the channels, for its 4 x 4 input
    patch `d`: 16 multiplications per channel where the direct form takes
    36 (dl-winograd-convolutions).

    ```mlir
    %y = dl.winograd_conv2d %x, %u, %b {padding = array<i64: 1, 1>}
        : tensor<?x32x56x56xf32>, tensor<16x64x32xf32>, tensor<64xf32>
        -> tensor<?x64x56x56xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$input, DL_FloatTensor:$filter,
                   Optional<DL_FloatTensor>:$bias, DL_PairOf<"0">:$padding);
  let results = (outs DL_FloatTensor:$output);
  let assemblyFormat = [{
    $input `,` $filter (`,` $bias^)? attr-dict `:` type($input) `,` type($filter)
    (`,` type($bias)^)? `->` type($output)
  }];
}

def DL_TransposeOp : DL_Op<"transpose", [Pure, InferTypeOpAdaptor]> {
  let summary = "A matrix transposed: a dense layer's weight [F, K] as [K, F]";
  let description = [{
    ```mlir
    %wt = dl.transpose %w : tensor<128x64xf32> -> tensor<64x128xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$input);
  let results = (outs DL_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

#endif // DLC_DIALECT_DL_IR_DLTRAINOPS_TD
