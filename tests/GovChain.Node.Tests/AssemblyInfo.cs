// Multi-node tests run several validators with sub-second consensus timeouts; on a 2-core
// machine, running those classes side by side would only make every one of them slower.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
