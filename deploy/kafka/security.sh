# shellcheck shell=bash
# Platekeeper's Kafka security, one definition for deploy/local/stack and docker-compose.yml
# (docs/kafka-security.md). Sourced; reads KAFKA_<ADMIN|INGEST|INDEXER|CAMERA|ALERTS>_USERNAME/_PASSWORD,
# TOPIC_RAW, TOPIC_ENRICHED, TOPIC_DLQ, TOPIC_ALERTS, INGEST_GROUP_ID, INDEXER_GROUP_ID, ALERTS_GROUP_ID from the caller.
#
# Clients authenticate with SASL/SCRAM-SHA-512 on the listener named SASL_PLAINTEXT; the controller
# listener (CONTROLLER) uses SASL/PLAIN, because SCRAM credentials live in the metadata the controller
# serves. StandardAuthorizer, and no ACL means denied; only the admin user is a super user (it is also
# the broker's own identity). Users are created when the storage is formatted (KIP-900), ACLs after start.

KAFKA_CREDENTIAL_VARIABLES=(KAFKA_ADMIN_USERNAME KAFKA_ADMIN_PASSWORD KAFKA_INGEST_USERNAME KAFKA_INGEST_PASSWORD
  KAFKA_INDEXER_USERNAME KAFKA_INDEXER_PASSWORD KAFKA_CAMERA_USERNAME KAFKA_CAMERA_PASSWORD
  KAFKA_ALERTS_USERNAME KAFKA_ALERTS_PASSWORD)

kafka_safe_credential() { # name value -> 0 if value is non-empty and safe inside JAAS and --add-scram syntax
  [[ "$2" =~ ^[A-Za-z0-9._~-]+$ ]] || { printf 'ERROR: %s must be set, with only letters, digits and . _ ~ -\n' "$1" >&2; return 1; }
}

kafka_check_credentials() {
  local name
  for name in "${KAFKA_CREDENTIAL_VARIABLES[@]}"; do kafka_safe_credential "$name" "${!name:-}" || return 1; done
}

kafka_security_properties() { # the server.properties lines for authentication and authorisation
  cat <<EOF
listener.security.protocol.map=SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=SASL_PLAINTEXT
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
sasl.mechanism.controller.protocol=PLAIN
listener.name.sasl_plaintext.sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$KAFKA_ADMIN_USERNAME" password="$KAFKA_ADMIN_PASSWORD";
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="$KAFKA_ADMIN_USERNAME" password="$KAFKA_ADMIN_PASSWORD" user_$KAFKA_ADMIN_USERNAME="$KAFKA_ADMIN_PASSWORD";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:$KAFKA_ADMIN_USERNAME
auto.create.topics.enable=false
EOF
}

kafka_admin_client_properties() { # for --command-config of the Kafka tools, as the admin user
  printf '%s\n' 'security.protocol=SASL_PLAINTEXT' 'sasl.mechanism=SCRAM-SHA-512' \
    "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"$KAFKA_ADMIN_USERNAME\" password=\"$KAFKA_ADMIN_PASSWORD\";"
}

kafka_format_scram_args() { # the kafka-storage format arguments that create the four users, one per line
  local role user password
  for role in ADMIN INGEST INDEXER CAMERA; do
    user="KAFKA_${role}_USERNAME"; password="KAFKA_${role}_PASSWORD"
    printf '%s\n' --add-scram "SCRAM-SHA-512=[name=${!user},password=${!password}]"
  done
}

# The pipeline's ACLs, PREFIXED on the production names so that a test run's own topics and groups
# (alpr.reads.raw.<run>, platekeeper-ingest.<run>) fall under the same rules. --consumer is READ and
# DESCRIBE on the topic and READ on the group; WRITE implies DESCRIBE. Nobody else gets anything.
kafka_acl_rules() { # one kafka-acls argument list per line
  local prefixed="--resource-pattern-type prefixed"
  camera_acl_rule "$KAFKA_CAMERA_USERNAME"
  echo "--allow-principal User:$KAFKA_INGEST_USERNAME --consumer --topic $TOPIC_RAW --group $INGEST_GROUP_ID $prefixed"
  echo "--allow-principal User:$KAFKA_INGEST_USERNAME --operation Write --operation Describe --topic $TOPIC_ENRICHED --topic $TOPIC_DLQ $prefixed"
  echo "--allow-principal User:$KAFKA_INDEXER_USERNAME --consumer --topic $TOPIC_ENRICHED --group $INDEXER_GROUP_ID $prefixed"
  echo "--allow-principal User:$KAFKA_INDEXER_USERNAME --operation Write --operation Describe --topic $TOPIC_DLQ $prefixed"
  echo "--allow-principal User:$KAFKA_ALERTS_USERNAME --consumer --topic $TOPIC_ENRICHED --group $ALERTS_GROUP_ID $prefixed"
  echo "--allow-principal User:$KAFKA_ALERTS_USERNAME --operation Write --operation Describe --topic $TOPIC_ALERTS $prefixed"
}

# Users added after the storage was formatted (a running cluster keeps its data): created, or their password
# set again, at provisioning with kafka-configs. The four users of kafka_format_scram_args stay format-time users.
kafka_provisioned_users() { # one "name password" per line
  printf '%s %s\n' "$KAFKA_ALERTS_USERNAME" "$KAFKA_ALERTS_PASSWORD"
}

kafka_topics() { # every topic the system provisions, one per line
  printf '%s\n' "$TOPIC_RAW" "$TOPIC_ENRICHED" "$TOPIC_DLQ" "$TOPIC_ALERTS"
}

camera_acl_rule() { # user -> a camera or gateway: write raw reads, nothing else
  echo "--allow-principal User:$1 --operation Write --operation Describe --topic $TOPIC_RAW --resource-pattern-type prefixed"
}
