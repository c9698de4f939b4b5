//===- DLOps.td - Ops of the dl dialect -------------------*- tablegen -*-===//
//
// One op per op of the .net language. Shape rules live in each op's
// inferReturnTypes (InferTypeOpAdaptor), so a result type that disagrees with
// the operands is a verifier error; `hasVerifier` checks what types can't say.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_DIALECT_DL_IR_DLOPS_TD
#define DLC_DIALECT_DL_IR_DLOPS_TD

include "compiler/Dialect/DL/IR/DLBase.td"
include "compiler/Dialect/DL/IR/DLInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

// Ops that the autodiff pass differentiates: each has an emitGradients in
// DLGradients.cpp.
defvar DL_Differentiable = DeclareOpInterfaceMethods<DL_GradientOpInterface>;

//===----------------------------------------------------------------------===//
// Layers with parameters
//===----------------------------------------------------------------------===//

def DL_Conv2DOp : DL_Op<"conv2d", [Pure, InferTypeOpAdaptor, DL_Differentiable]> {
  let summary = "2-D convolution (PyTorch's Conv2d)";
  let description = [{
    Input `[N, C, H, W]`, weight `[F, C/groups, KH, KW]`, optional bias `[F]`;
    result `[N, F, H', W']` with
    `H' = (H + 2*pad - dilation*(KH-1) - 1) / stride + 1`.

    ```mlir
    %y = dl.conv2d %x, %w, %b {padding = array<i64: 2, 2>}
        : tensor<?x1x28x28xf32>, tensor<6x1x5x5xf32>, tensor<6xf32>
        -> tensor<?x6x28x28xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$input, DL_FloatTensor:$weight,
                   Optional<DL_FloatTensor>:$bias,
                   DL_PairOf<"1">:$stride, DL_PairOf<"0">:$padding,
                   DL_PairOf<"1">:$dilation,
                   DL_Groups:$groups);
  let results = (outs DL_FloatTensor:$output);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` type($input) `,` type($weight)
    (`,` type($bias)^)? `->` type($output)
  }];
}

def DL_ConvTranspose2DOp : DL_Op<"conv_transpose2d", [Pure, InferTypeOpAdaptor, DL_Differentiable]> {
  let summary = "2-D transposed convolution (PyTorch's ConvTranspose2d)";
  let description = [{
    Input `[N, C, H, W]`, weight `[C, F, KH, KW]` (PyTorch's layout), optional
    bias `[F]`; result `[N, F, H'', W'']` with
    `H'' = (H - 1)*stride - 2*pad + KH`.

    ```mlir
    %y = dl.conv_transpose2d %x, %w, %b {stride = array<i64: 2, 2>}
        : tensor<?x1024x16x16xf32>, tensor<1024x512x2x2xf32>, tensor<512xf32>
        -> tensor<?x512x32x32xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$input, DL_FloatTensor:$weight,
                   Optional<DL_FloatTensor>:$bias,
                   DL_PairOf<"1">:$stride, DL_PairOf<"0">:$padding);
  let results = (outs DL_FloatTensor:$output);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` type($input) `,` type($weight)
    (`,` type($bias)^)? `->` type($output)
  }];
}

def DL_DenseOp : DL_Op<"dense", [Pure, InferTypeOpAdaptor, DL_Differentiable]> {
  let summary = "Fully connected layer (PyTorch's Linear): y = x W^T + b";
  let description = [{
    Input `[N, K]`, weight `[F, K]`, optional bias `[F]`; result `[N, F]`.

    ```mlir
    %y = dl.dense %x, %w, %b : tensor<?x400xf32>, tensor<120x400xf32>, tensor<120xf32>
        -> tensor<?x120xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$input, DL_FloatTensor:$weight,
                   Optional<DL_FloatTensor>:$bias);
  let results = (outs DL_FloatTensor:$output);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` type($input) `,` type($weight)
    (`,` type($bias)^)? `->` type($output)
  }];
}

def DL_BatchNormOp : DL_Op<"batchnorm", [Pure, InferTypeOpAdaptor, DL_Differentiable]> {
  let summary = "Batch normalisation over the channel dimension (BatchNorm2d/1d)";
  let description = [{
    Normalises `[N, C, ...]` per channel. Without `training` it uses the
    running statistics (inference); with `training` it uses the batch's
    statistics, as `model.train()` does in PyTorch. `momentum` follows
    PyTorch: `running = (1 - momentum) * running + momentum * batch`.

    ```mlir
    %y = dl.batchnorm %x, %gamma, %beta, %mean, %var {eps = 1.0e-05 : f64}
        : tensor<?x64x32x32xf32>, tensor<64xf32>, tensor<64xf32>,
          tensor<64xf32>, tensor<64xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$input, DL_FloatTensor:$weight,
                   DL_FloatTensor:$bias, DL_FloatTensor:$running_mean,
                   DL_FloatTensor:$running_var,
                   DefaultValuedAttr<F64Attr, "1e-5">:$eps,
                   DefaultValuedAttr<F64Attr, "0.1">:$momentum,
                   UnitAttr:$training);
  let results = (outs DL_FloatTensor:$output);
  let hasVerifier = 1;
  let assemblyFormat = [{
    $input `,` $weight `,` $bias `,` $running_mean `,` $running_var attr-dict
    `:` type($input) `,` type($weight) `,` type($bias) `,`
    type($running_mean) `,` type($running_var)
  }];
}

//===----------------------------------------------------------------------===//
// Element-wise ops
//===----------------------------------------------------------------------===//

class DL_UnaryOp<string mnemonic, string desc, list<Trait> traits = []>
    : DL_Op<mnemonic, !listconcat([Pure, SameOperandsAndResultType, DL_Differentiable], traits)> {
  let summary = desc;
  let arguments = (ins DL_FloatTensor:$input);
  let results = (outs DL_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def DL_ReluOp : DL_UnaryOp<"relu", "max(x, 0)"> {
  let description = "```mlir\n%y = dl.relu %x : tensor<?x64xf32>\n```";
}
def DL_SigmoidOp : DL_UnaryOp<"sigmoid", "1 / (1 + exp(-x))"> {
  let description = "```mlir\n%y = dl.sigmoid %x : tensor<?x64xf32>\n```";
}
def DL_TanhOp : DL_UnaryOp<"tanh", "hyperbolic tangent"> {
  let description = "```mlir\n%y = dl.tanh %x : tensor<?x64xf32>\n```";
}
def DL_LeakyReluOp : DL_Op<"leaky_relu", [Pure, SameOperandsAndResultType, DL_Differentiable]> {
  let summary = "x if x > 0, else alpha * x";
  let description = [{
    ```mlir
    %y = dl.leaky_relu %x {alpha = 2.0e-01 : f64} : tensor<?x64xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$input,
                   DefaultValuedAttr<F64Attr, "0.01">:$alpha);
  let results = (outs DL_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def DL_DropoutOp : DL_Op<"dropout", [Pure, SameOperandsAndResultType, DL_Differentiable]> {
  let summary = "Dropout: identity at inference, random zeroing in training";
  let description = [{
    With `training`, zeroes each element with probability `p` and scales the
    rest by `1 / (1 - p)`, as PyTorch does. Without it the op is the
    identity and folds away.

    ```mlir
    %y = dl.dropout %x {p = 5.0e-01 : f64, training} : tensor<?x4096xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$input, F64Attr:$p, UnitAttr:$training);
  let results = (outs DL_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

class DL_BinaryOp<string mnemonic, string desc>
    : DL_Op<mnemonic, [Pure, InferTypeOpAdaptor, DL_Differentiable]> {
  let summary = "Element-wise " # desc;
  let description = [{
    Both operands have the same shape, or one is a rank-0 scalar that
    broadcasts over the other.

    ```mlir
    %z = dl.}] # mnemonic # [{ %x, %y : tensor<?x64x8x8xf32>, tensor<?x64x8x8xf32>
        -> tensor<?x64x8x8xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$lhs, DL_FloatTensor:$rhs);
  let results = (outs DL_FloatTensor:$output);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($output)
  }];
}
def DL_AddOp : DL_BinaryOp<"add", "addition">;
def DL_SubOp : DL_BinaryOp<"sub", "subtraction">;
def DL_MulOp : DL_BinaryOp<"mul", "multiplication">;

def DL_SoftmaxOp : DL_Op<"softmax", [Pure, SameOperandsAndResultType, DL_Differentiable]> {
  let summary = "Softmax along one axis";
  let description = [{
    ```mlir
    %p = dl.softmax %x {axis = 1 : i64} : tensor<?x10xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$input,
                   DL_SignedI64Of<"1">:$axis);
  let results = (outs DL_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Pooling and shape ops
//===----------------------------------------------------------------------===//

class DL_Pool2DOp<string mnemonic, string desc>
    : DL_Op<mnemonic, [Pure, InferTypeOpAdaptor, DL_Differentiable]> {
  let summary = desc;
  let description = [{
    Input `[N, C, H, W]`; result `[N, C, H', W']` with
    `H' = (H + 2*pad - kernel) / stride + 1` (floor, as PyTorch's default).
    Padding is at most half the kernel.

    ```mlir
    %y = dl.}] # mnemonic # [{ %x {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>}
        : tensor<?x6x28x28xf32> -> tensor<?x6x14x14xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$input, DL_Pair:$kernel, DL_Pair:$stride,
                   DL_PairOf<"0">:$padding);
  let results = (outs DL_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}
def DL_MaxPool2DOp : DL_Pool2DOp<"maxpool2d", "2-D max pooling (MaxPool2d)">;
def DL_AvgPool2DOp : DL_Pool2DOp<"avgpool2d",
    "2-D average pooling (AvgPool2d, padding counted in the divisor)">;

def DL_GlobalAvgPoolOp : DL_Op<"global_avgpool", [Pure, InferTypeOpAdaptor, DL_Differentiable]> {
  let summary = "Mean over the spatial dimensions: [N, C, H, W] -> [N, C, 1, 1]";
  let description = [{
    ```mlir
    %y = dl.global_avgpool %x : tensor<?x512x7x7xf32> -> tensor<?x512x1x1xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$input);
  let results = (outs DL_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

def DL_FlattenOp : DL_Op<"flatten", [Pure, InferTypeOpAdaptor, DL_Differentiable]> {
  let summary = "Collapse every dimension but the batch: [N, ...] -> [N, prod(...)]";
  let description = [{
    ```mlir
    %y = dl.flatten %x : tensor<?x16x5x5xf32> -> tensor<?x400xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$input);
  let results = (outs DL_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

def DL_ConcatOp : DL_Op<"concat", [Pure, InferTypeOpAdaptor, DL_Differentiable]> {
  let summary = "Concatenate tensors along an axis (torch.cat)";
  let description = [{
    All inputs have the same rank and agree on every dimension but `axis`.
    The batch axis (0) cannot be concatenated.

    ```mlir
    %y = dl.concat %a, %b {axis = 1 : i64} : tensor<?x64x8x8xf32>,
        tensor<?x32x8x8xf32> -> tensor<?x96x8x8xf32>
    ```
  }];
  let arguments = (ins Variadic<DL_FloatTensor>:$inputs,
                   DL_SignedI64Of<"1">:$axis);
  let results = (outs DL_FloatTensor:$output);
  let assemblyFormat = "$inputs attr-dict `:` type($inputs) `->` type($output)";
}

//===----------------------------------------------------------------------===//
// Losses: mean over the batch, a rank-0 f32 result
//===----------------------------------------------------------------------===//

def DL_CrossEntropyOp : DL_Op<"cross_entropy", [Pure, InferTypeOpAdaptor, DL_Differentiable]> {
  let summary = "Softmax cross-entropy on logits and class indices";
  let description = [{
    Logits `[N, K]` with targets `[N]`, or per pixel: logits `[N, K, H, W]`
    with targets `[N, H, W]`. The mean over every target element, as
    `torch.nn.functional.cross_entropy` computes it.

    ```mlir
    %l = dl.cross_entropy %logits, %t : tensor<?x10xf32>, tensor<?xi32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$input, DL_IndexTensor:$target);
  let results = (outs DL_Scalar:$loss);
  let assemblyFormat = "$input `,` $target attr-dict `:` type($input) `,` type($target)";
}

class DL_PairLossOp<string mnemonic, string desc>
    : DL_Op<mnemonic, [Pure, InferTypeOpAdaptor, DL_Differentiable]> {
  let summary = desc;
  let description = [{
    Prediction and target have the same shape.

    ```mlir
    %l = dl.}] # mnemonic # [{ %pred, %t : tensor<?x1x64x64xf32>, tensor<?x1x64x64xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$input, DL_FloatTensor:$target);
  let results = (outs DL_Scalar:$loss);
  let assemblyFormat = "$input `,` $target attr-dict `:` type($input) `,` type($target)";
}
def DL_MseOp : DL_PairLossOp<"mse", "Mean squared error (MSELoss)">;
def DL_L1Op : DL_PairLossOp<"l1", "Mean absolute error (L1Loss)">;
def DL_BceWithLogitsOp : DL_PairLossOp<"bce_with_logits",
    "Binary cross-entropy on logits (BCEWithLogitsLoss)">;
def DL_DiceOp : DL_PairLossOp<"dice",
    "Soft Dice loss: 1 - (2 sum(p t) + 1) / (sum(p) + sum(t) + 1), per sample and channel, averaged">;

include "compiler/Dialect/DL/IR/DLTrainOps.td"

#endif // DLC_DIALECT_DL_IR_DLOPS_TD
