export { brokerReachable, KafkaClient, KafkaProducer, KafkaConsumer, KafkaAdmin, type OutRecord, type InRecord, type TopicPartition, type ProducerOptions, type ConsumerOptions } from './client';
export { clientProperties, type KafkaSettings, type ClientProperties } from './settings';
