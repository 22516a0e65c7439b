# sample: the planted-feature sample data generator
