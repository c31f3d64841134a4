// @shoal/chaos: the fault-injection harness (`npm run chaos`), its history checker and the soak.
export {};
