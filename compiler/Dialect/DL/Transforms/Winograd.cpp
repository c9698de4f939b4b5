//===- Winograd.cpp - 3x3 convolutions by Winograd's F(2x2, 3x3) ----------===//
//
//   %y = dl.conv2d %x, %w, %b {padding = array<i64: 1, 1>}    // 3x3, stride 1
// becomes
//   %u = dl.winograd_filter %w
//   %y = dl.winograd_conv2d %x, %u, %b {padding = array<i64: 1, 1>}
// 16 multiplications per input channel and 2x2 output block instead of 36.
// The filter depends on parameters only: dl-outline-prepare moves it into
// @prepare, so @forward pays only for the input and output transforms.
// @train_step transforms its filters at every step, for its forward
// convolutions and for their input gradients (a convolution of dy with the
// flipped kernel, as NNPACK's and oneDNN's Winograd backward-data kernels
// compute it); the weight gradients keep their direct form.
//
//===----------------------------------------------------------------------===//

#include "compiler/Dialect/DL/IR/DLOps.h"
#include "compiler/Dialect/DL/IR/FunctionNames.h"
#include "compiler/Dialect/DL/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::dl {
#define GEN_PASS_DEF_WINOGRADCONVOLUTIONS
#include "compiler/Dialect/DL/Transforms/Passes.h.inc"
} // namespace mlir::dl

using namespace mlir;
using namespace mlir::dl;

namespace {

/// A 3x3 stride-1 window with one group: what F(2x2, 3x3) computes.
bool isPlain3x3(RankedTensorType weight, ArrayRef<int64_t> stride,
                ArrayRef<int64_t> dilation, int64_t groups) {
  auto ones = [](ArrayRef<int64_t> v) {
    return llvm::all_of(v, [](int64_t x) { return x == 1; });
  };
  return groups == 1 && ones(stride) && ones(dilation) &&
         weight.hasStaticShape() && weight.getElementType().isF32() &&
         weight.getDimSize(2) == 3 && weight.getDimSize(3) == 3;
}

struct WinogradConvolutions
    : dl::impl::WinogradConvolutionsBase<WinogradConvolutions> {
  using WinogradConvolutionsBase::WinogradConvolutionsBase;

  /// Enough channels (weight [F, C, 3, 3]) and pixels (of `out`, static)
  /// for the transforms to pay: they cost about as much as 2 + F/C
  /// channels of the products.
  bool pays(RankedTensorType weight, RankedTensorType out) {
    return weight.getDimSize(0) >= minChannels &&
           weight.getDimSize(1) >= minChannels && !out.isDynamicDim(2) &&
           !out.isDynamicDim(3) &&
           out.getDimSize(2) * out.getDimSize(3) >= minPixels;
  }

  void runOnOperation() override {
    IRRewriter b(&getContext());
    for (StringRef name : {kForwardFunc, kTrainStepFunc}) {
      auto func = getOperation().lookupSymbol<func::FuncOp>(name);
      if (!func || func.isExternal())
        continue;
      func.walk([&](Operation *op) {
        if (auto conv = dyn_cast<Conv2DOp>(op)) {
          auto w = cast<RankedTensorType>(conv.getWeight().getType());
          if (!isPlain3x3(w, conv.getStride(), conv.getDilation(),
                          conv.getGroups()) ||
              !pays(w, conv.getType()))
            return;
          b.setInsertionPoint(conv);
          Value filter =
              b.create<WinogradFilterOp>(conv.getLoc(), conv.getWeight());
          b.replaceOpWithNewOp<WinogradConv2DOp>(conv, conv.getInput(), filter,
                                                 conv.getBias(),
                                                 conv.getPaddingAttr());
          return;
        }
        // The input gradient is the convolution of dy, padded by 2 - pad,
        // with the kernel flipped and its channels swapped.
        auto grad = dyn_cast<Conv2DGradInputOp>(op);
        if (!grad)
          return;
        auto w = cast<RankedTensorType>(grad.getWeight().getType());
        ArrayRef<int64_t> pad = grad.getPadding();
        if (!isPlain3x3(w, grad.getStride(), grad.getDilation(),
                        grad.getGroups()) ||
            !pays(w, grad.getType()) || pad[0] > 2 || pad[1] > 2)
          return;
        b.setInsertionPoint(grad);
        Value filter = b.create<WinogradFilterOp>(
            grad.getLoc(), grad.getWeight(), /*transposed=*/true);
        b.replaceOpWithNewOp<WinogradConv2DOp>(
            grad, grad.getGrad(), filter, Value(),
            b.getDenseI64ArrayAttr({2 - pad[0], 2 - pad[1]}));
      });
    }
  }
};

} // namespace
