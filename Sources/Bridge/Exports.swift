// The vocabulary Bridge's public API speaks (problems, requests, solutions and their result
// types, grids, schedules, reports), re-exported so that a front end imports Bridge alone
// (docs/architecture.md). GSLKit, the C boundary, is not re-exported.
@_exported import AdiabatCore
@_exported import Diffusion
@_exported import Landscapes
@_exported import Problems
@_exported import Quantum
@_exported import Reports
