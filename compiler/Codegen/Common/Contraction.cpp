//===- Contraction.cpp - Matrix products in any linalg form ---------------===//

#include "compiler/Codegen/Common/Contraction.h"

using namespace mlir;

bool dlc::isRowMajorMatmul(linalg::LinalgOp op) {
  unsigned rank = op.getNumLoops();
  if (rank < 3 || op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      !linalg::isaContractionOpInterface(op))
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
  return maps[0] == AffineMap::get(rank, 0, {d(0), d(rank - 1)}, ctx) &&
         maps[1] == AffineMap::get(rank, 0, b, ctx) &&
         maps[2] == AffineMap::get(rank, 0, c, ctx);
}

std::optional<SmallVector<ReassociationIndices>>
dlc::batchedContractionLoops(linalg::LinalgOp op) {
  unsigned rank = op.getNumLoops();
  if (rank < 4 || op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      op.getNumReductionLoops() != 1 || !linalg::isaContractionOpInterface(op))
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
  if ((maps[0] != map({m, r}) && maps[0] != map({r, m})) ||
      maps[1] != map({n, r, p}) || maps[2] != map({n, m, p}))
    return std::nullopt;
  SmallVector<ReassociationIndices> groups = {{0}, {}, {int64_t(k)}, {}};
  for (unsigned i = 1; i < k; ++i)
    groups[1].push_back(i);
  for (unsigned i = k + 1; i < rank; ++i)
    groups[3].push_back(i);
  return groups;
}
