//===- Contraction.cpp - Matrix products in any linalg form ---------------===//

#include "compiler/Codegen/Common/Contraction.h"
#include "compiler/Dialect/DL/IR/Winograd.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;

/// acc + a * b of the block's arguments and nothing else: an activation
/// that elementwise fusion moved into the body would be recomputed for
/// every register block (and its math on n-D vectors has no lowering).
static bool isPlainMulAdd(linalg::LinalgOp op) {
  Block *body = op.getBlock();
  if (body->getOperations().size() != 3)
    return false;
  Value result = body->getTerminator()->getOperand(0);
  auto add = result.getDefiningOp<arith::AddFOp>();
  auto mul = dyn_cast<arith::MulFOp>(&body->front());
  if (!add || !mul)
    return false;
  auto isArg = [&](Value v) {
    return isa<BlockArgument>(v) &&
           cast<BlockArgument>(v).getOwner() == body;
  };
  return isArg(mul.getLhs()) && isArg(mul.getRhs()) &&
         ((add.getLhs() == mul.getResult() && isArg(add.getRhs())) ||
          (add.getRhs() == mul.getResult() && isArg(add.getLhs())));
}

bool dlc::isRowMajorMatmul(linalg::LinalgOp op) {
  unsigned rank = op.getNumLoops();
  if (rank < 3 || op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      !isPlainMulAdd(op))
    return false;
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  for (unsigned i = 0; i < rank; ++i)
    if (iterators[i] != (i + 1 < rank ? utils::IteratorType::parallel
                                      : utils::IteratorType::reduction))
      return false;
  MLIRContext *ctx = op.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineExpr> b = {d(rank - 1)}, c = {d(0)};
  for (unsigned i = 1; i + 1 < rank; ++i) {
    b.push_back(d(i));
    c.push_back(d(i));
  }
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  return (maps[0] == AffineMap::get(rank, 0, {d(0), d(rank - 1)}, ctx) ||
          maps[0] == AffineMap::get(rank, 0, {d(rank - 1), d(0)}, ctx)) &&
         maps[1] == AffineMap::get(rank, 0, b, ctx) &&
         maps[2] == AffineMap::get(rank, 0, c, ctx);
}

bool dlc::isTransposedBMatmul(linalg::LinalgOp op) {
  unsigned rank = op.getNumLoops();
  if (rank < 3 || op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      op.getNumReductionLoops() != 1 ||
      op.getIteratorTypesArray().back() != utils::IteratorType::reduction ||
      !isPlainMulAdd(op))
    return false;
  MLIRContext *ctx = op.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineExpr> b, c = {d(0)};
  for (unsigned i = 1; i + 1 < rank; ++i) {
    b.push_back(d(i));
    c.push_back(d(i));
  }
  b.push_back(d(rank - 1));
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  return maps[0] == AffineMap::get(rank, 0, {d(0), d(rank - 1)}, ctx) &&
         maps[1] == AffineMap::get(rank, 0, b, ctx) &&
         maps[2] == AffineMap::get(rank, 0, c, ctx);
}

std::optional<SmallVector<ReassociationIndices>>
dlc::batchedContractionLoops(linalg::LinalgOp op) {
  unsigned rank = op.getNumLoops();
  if (rank < 4 || op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      op.getNumReductionLoops() != 1 || !isPlainMulAdd(op))
    return std::nullopt;
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  unsigned k = llvm::find(iterators, utils::IteratorType::reduction) -
               iterators.begin();
  if (k < 2 || k + 1 >= rank)
    return std::nullopt;
  MLIRContext *ctx = op.getContext();
  auto dims = [&](unsigned from, unsigned to) {
    SmallVector<AffineExpr> e;
    for (unsigned i = from; i < to; ++i)
      e.push_back(getAffineDimExpr(i, ctx));
    return e;
  };
  auto map = [&](ArrayRef<SmallVector<AffineExpr>> parts) {
    SmallVector<AffineExpr> e;
    for (const SmallVector<AffineExpr> &p : parts)
      e.append(p);
    return AffineMap::get(rank, 0, e, ctx);
  };
  SmallVector<AffineExpr> n = dims(0, 1), m = dims(1, k), r = dims(k, k + 1),
                          p = dims(k + 1, rank);
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  auto isA = [&](AffineMap a) { return a == map({m, r}) || a == map({r, m}); };
  AffineMap b = map({n, r, p});
  bool operands = (isA(maps[0]) && maps[1] == b) || (maps[0] == b && isA(maps[1]));
  if (!operands || maps[2] != map({n, m, p}))
    return std::nullopt;
  SmallVector<ReassociationIndices> groups = {{0}, {}, {int64_t(k)}, {}};
  for (unsigned i = 1; i < k; ++i)
    groups[1].push_back(i);
  for (unsigned i = k + 1; i < rank; ++i)
    groups[3].push_back(i);
  return groups;
}

bool dlc::isWinogradConvolution(Operation *op) {
  auto generic = dyn_cast_or_null<linalg::GenericOp>(op);
  return generic &&
         generic->hasAttr(mlir::dl::winograd::kConvolutionAttr) &&
         generic.getNumDpsInputs() == 6 && generic.getNumDpsInits() == 1;
}
