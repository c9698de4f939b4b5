//===- Winograd.cpp - 3x3 convolutions by Winograd's F(2x2, 3x3) ----------===//
//
//   %y = dl.conv2d %x, %w, %b {padding = array<i64: 1, 1>}    // 3x3, stride 1
// becomes
//   %u = dl.winograd_filter %w
//   %y = dl.winograd_conv2d %x, %u, %b {padding = array<i64: 1, 1>}
// 16 multiplications per input channel and 2x2 output block instead of 36.
// The filter depends on parameters only: dl-outline-prepare moves it into
// @prepare, so @forward pays only for the input and output transforms. Like
// oneDNN's and NNPACK's Winograd kernels this is for @forward; the backward
// pass keeps the direct forms.
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

struct WinogradConvolutions
    : dl::impl::WinogradConvolutionsBase<WinogradConvolutions> {
  using WinogradConvolutionsBase::WinogradConvolutionsBase;

  /// A 3x3 stride-1 convolution with enough channels and pixels for the
  /// transforms to pay (they cost about as much as 2 + F/C channels of
  /// the products).
  bool pays(Conv2DOp conv) {
    auto in = cast<RankedTensorType>(conv.getInput().getType());
    auto w = cast<RankedTensorType>(conv.getWeight().getType());
    auto out = cast<RankedTensorType>(conv.getType());
    auto ones = [](ArrayRef<int64_t> v) {
      return llvm::all_of(v, [](int64_t x) { return x == 1; });
    };
    return conv.getGroups() == 1 && ones(conv.getStride()) &&
           ones(conv.getDilation()) && w.hasStaticShape() &&
           w.getDimSize(2) == 3 && w.getDimSize(3) == 3 &&
           in.getElementType().isF32() && !in.isDynamicDim(2) &&
           !in.isDynamicDim(3) && w.getDimSize(0) >= minChannels &&
           w.getDimSize(1) >= minChannels &&
           out.getDimSize(2) * out.getDimSize(3) >= minPixels;
  }

  void runOnOperation() override {
    auto forward = getOperation().lookupSymbol<func::FuncOp>(kForwardFunc);
    if (!forward || forward.isExternal())
      return;
    IRRewriter b(&getContext());
    forward.walk([&](Conv2DOp conv) {
      if (!pays(conv))
        return;
      b.setInsertionPoint(conv);
      Value filter =
          b.create<WinogradFilterOp>(conv.getLoc(), conv.getWeight());
      b.replaceOpWithNewOp<WinogradConv2DOp>(conv, conv.getInput(), filter,
                                             conv.getBias(),
                                             conv.getPaddingAttr());
    });
  }
};

} // namespace
