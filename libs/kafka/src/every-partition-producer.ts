import { ICustomPartitioner, Message, Partitioners, Producer, ProducerBatch, ProducerRecord, RecordMetadata } from 'kafkajs';

/** How many times a send is repeated for partitions kafkajs answered without acknowledging (the first try included). */
export const MAX_SEND_ROUNDS = 5;

export class UnacknowledgedPartitionsError extends Error {}

/**
 * kafkajs 2.2.4 can resolve a send without writing some of its messages when a partition's leader moves during the
 * send (node_modules/kafkajs/src/producer/sendMessages.js): the retry skips every broker that already answered for
 * *other* partitions, so a partition whose new leader is such a broker is never sent again. Measured on the loopback
 * cluster: a broker killed mid-replay cost 8 of 30,000 reads that `cli replay` had been told were acknowledged
 * (docs/clusters.md). kafkajs is no longer maintained, so this wraps its producer instead of patching it:
 *
 * - each message keeps the partition it was first given (keyed messages hash to the same one anyway; keyless ones
 *   would otherwise be dealt round-robin again on a retry), so an acknowledgement for a partition always covers every
 *   message of that partition in the send;
 * - after kafkajs resolves, every partition that received messages must appear in its acknowledgements; the messages
 *   of any that does not are sent again (a new send, so no broker is skipped), up to MAX_SEND_ROUNDS, else the send
 *   fails: a caller never hears "acknowledged" for a read Kafka may not hold.
 */
export function everyPartitionProducer(createProducer: (partitioner: ICustomPartitioner) => Producer): Producer {
  const partitionOf = new WeakMap<Message, number>();
  const producer = createProducer(stablePartitioner(partitionOf));

  const sendBatch = async (batch: ProducerBatch): Promise<RecordMetadata[]> => {
    // Without acknowledgements there is nothing to check (the project always asks for acks from all replicas).
    if (batch.acks === 0) return producer.sendBatch(batch);
    let pending = (batch.topicMessages ?? []).filter(({ messages }) => messages.length > 0);
    const acknowledged: RecordMetadata[] = [];
    for (let round = 1; pending.length > 0; round++) {
      if (round > MAX_SEND_ROUNDS) {
        const partitions = pending.map(({ topic, messages }) => `${topic}[${[...new Set(messages.map((m) => partitionOf.get(m)))].join(',')}]`);
        throw new UnacknowledgedPartitionsError(`Kafka did not acknowledge ${partitions.join(' ')} after ${MAX_SEND_ROUNDS} sends`);
      }
      if (round > 1) {
        const partitions = pending.map(({ topic, messages }) => `${topic}[${[...new Set(messages.map((m) => partitionOf.get(m)))].join(',')}]`);
        producer.logger().warn('Kafka answered without acknowledging these partitions; sending their messages again', { partitions, round });
      }
      const answers = await producer.sendBatch({ ...batch, topicMessages: pending });
      acknowledged.push(...answers);
      const answered = new Set(answers.map((answer) => `${answer.topicName}\u0000${answer.partition}`));
      pending = pending
        .map(({ topic, messages }) => ({ topic, messages: messages.filter((message) => !answered.has(`${topic}\u0000${partitionOf.get(message)}`)) }))
        .filter(({ messages }) => messages.length > 0);
    }
    return acknowledged;
  };

  const send = ({ topic, messages, ...options }: ProducerRecord): Promise<RecordMetadata[]> => sendBatch({ ...options, topicMessages: [{ topic, messages }] });
  return { ...producer, send, sendBatch };
}

/** The default partitioner, except that a message keeps the partition it was first given while the topic's partitions stay. */
function stablePartitioner(partitionOf: WeakMap<Message, number>): ICustomPartitioner {
  return () => {
    const partition = Partitioners.DefaultPartitioner();
    return (args) => {
      const earlier = partitionOf.get(args.message);
      if (earlier !== undefined && earlier < args.partitionMetadata.length) return earlier;
      const chosen = partition(args);
      partitionOf.set(args.message, chosen);
      return chosen;
    };
  };
}
