//===- UpdateInPlace.cpp - Parameters and optimizer state updated in place ===//
//
//   func.func @train_step(%w: tensor<..> {dl.param = "fc.weight"},
//                         %m: tensor<..> {dl.state = "optimizer.fc.weight.momentum_buffer"}, ...)
//       -> (..., tensor<..> {dl.param = "fc.weight"}, tensor<..> {dl.state = ...}) {
//     %w2, %m2 = linalg.generic ins(%w, %g, %m) outs(%e, %e) {...}
//     return ..., %w2, %m2
// becomes
//     %w2, %m2 = linalg.generic ins(%g) outs(%w, %m) {...}  // old values
//     %r = bufferization.materialize_in_destination %w2 in %w  // from outs
//     %s = bufferization.materialize_in_destination %m2 in %m
//     return ..., %r, %s
// so that after bufferisation each result is its argument's buffer and
// drop-equivalent-buffer-results removes it.
//
//===----------------------------------------------------------------------===//

#include "compiler/Codegen/Common/InPlace.h"
#include "compiler/Codegen/Common/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/IR/PatternMatch.h"

namespace dlc {
#define GEN_PASS_DEF_UPDATEINPLACE
#include "compiler/Codegen/Common/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

/// The argument whose new value result `index` of `fn` is: the one with the
/// same interface attribute (a dl.* name and value) and type.
BlockArgument updatedArgument(func::FuncOp fn, unsigned index) {
  for (NamedAttribute attr : fn.getResultAttrs(index)) {
    if (!attr.getName().strref().starts_with("dl."))
      continue;
    for (BlockArgument arg : fn.getArguments())
      if (fn.getArgAttr(arg.getArgNumber(), attr.getName()) == attr.getValue() &&
          arg.getType() == fn.getResultTypes()[index])
        return arg;
  }
  return nullptr;
}

struct UpdateInPlace : dlc::impl::UpdateInPlaceBase<UpdateInPlace> {
  void runOnOperation() override {
    func::FuncOp fn = getOperation();
    if (fn.isExternal() || !fn.getBody().hasOneBlock())
      return;
    auto ret = cast<func::ReturnOp>(fn.getBody().front().getTerminator());
    IRRewriter b(&getContext());
    for (unsigned index = 0; index < ret.getNumOperands(); ++index) {
      BlockArgument arg = updatedArgument(fn, index);
      if (!arg || ret.getOperand(index) == arg)
        continue;
      // The update computed into the argument, when it reads it element for
      // element.
      auto result = dyn_cast<OpResult>(ret.getOperand(index));
      if (auto op = dyn_cast_or_null<linalg::GenericOp>(
              result ? result.getOwner() : nullptr))
        for (OpOperand *input : op.getDpsInputOperands())
          if (input->get() == arg &&
              dlc::canWriteInto(op, input, result.getResultNumber())) {
            dlc::writeInto(b, op, input, result.getResultNumber());
            break;
          }
      b.setInsertionPoint(ret);
      Value value = ret.getOperand(index);
      auto materialize = b.create<bufferization::MaterializeInDestinationOp>(
          ret.getLoc(), value.getType(), value, arg);
      ret.setOperand(index, materialize.getResult());
    }
    // The updates, elementwise over whole parameters (millions of weights),
    // tiled for the threads.
    SetVector<linalg::GenericOp> updates;
    for (Value v : ret.getOperands())
      if (auto materialize =
              v.getDefiningOp<bufferization::MaterializeInDestinationOp>())
        if (auto op = materialize.getSource().getDefiningOp<linalg::GenericOp>();
            op && dlc::isElementwise(op))
          updates.insert(op);
    for (linalg::GenericOp op : updates)
      tileRows(b, op);
  }

  /// `op` in an scf.forall over tiles of whole rows of about 64 KB.
  static void tileRows(IRRewriter &b, linalg::GenericOp op) {
    constexpr int64_t tileBytes = 65536;
    auto type = cast<ShapedType>(op->getResult(0).getType());
    if (!type.hasStaticShape() || type.getRank() == 0 ||
        !op.getMatchingIndexingMap(op.getDpsInitOperand(0)).isIdentity())
      return;
    int64_t rowBytes = type.getNumElements() / type.getDimSize(0) *
                       type.getElementTypeBitWidth() / 8;
    int64_t rows = std::max<int64_t>(1, tileBytes / rowBytes);
    if (rows >= type.getDimSize(0))
      return;
    SmallVector<OpFoldResult> sizes(op.getNumLoops(), b.getIndexAttr(0));
    sizes[0] = b.getIndexAttr(rows);
    scf::SCFTilingOptions options;
    options.setTileSizes(sizes);
    options.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
    b.setInsertionPoint(op);
    FailureOr<scf::SCFTilingResult> tiled =
        scf::tileUsingSCF(b, cast<TilingInterface>(op.getOperation()), options);
    if (succeeded(tiled))
      b.replaceOp(op, tiled->replacements);
  }
};

} // namespace
