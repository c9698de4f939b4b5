// RUN: dlc-opt %s -split-input-file -verify-diagnostics --dlc-lower-parallel-calls

// Tests that a call of a part whose function is missing, or takes other
// arguments than the call's, is an error.
// expected-error@+1 {{no part function @missing to call}}
llvm.func @missing_parallel(!llvm.ptr, i64, !llvm.ptr) attributes {dl.parallel_part = @missing}

// -----
llvm.func @p(%begin: i64, %end: i64) attributes {dl.parallel_part} {
  llvm.return
}
// expected-error@+1 {{no part function @p to call}}
llvm.func @p_parallel(!llvm.ptr, i64, !llvm.ptr) attributes {dl.parallel_part = @p}
