"""Analysis of partitions: the region graph, linear regions, statistics and bounds."""
