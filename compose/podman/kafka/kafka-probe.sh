#!/bin/bash
# kafka-probe ready BOOTSTRAP | groups BOOTSTRAP GROUP (KafkaProbe.java)
exec java -Xmx64m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Dlogback.configurationFile=/etc/kafka/logback.xml \
  -cp "/opt/kafka/probe:/opt/kafka/libs/*" KafkaProbe "$@"
