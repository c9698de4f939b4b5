//===- InitAll.h - Register every dialect and pass dlc uses ------*- C++ -*-===//

#ifndef DLC_INITALL_H
#define DLC_INITALL_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace dlc {
/// The dialects every dlc tool loads: dl and the upstream ones it lowers to.
void registerAllDLCDialects(mlir::DialectRegistry &registry);
/// Every dlc pass and pipeline, for dlc-opt's command line.
void registerAllDLCPasses();
} // namespace dlc

#endif // DLC_INITALL_H
