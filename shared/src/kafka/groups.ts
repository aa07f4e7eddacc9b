// Which consumer groups belong to one deployment. Services name their groups `<TOPIC_PREFIX>siaghsync-*`
// (the projector's versioned ones `<TOPIC_PREFIX>siaghsync-projector.v<n>`). A projector group named
// without the prefix (PROJECTOR_GROUP_ID set so, or made before its default carried the prefix) is the
// deployment's when it has committed on the deployment's topics. Without a prefix this is the plain
// name-prefix filter.

/** Groups worth asking for their offsets before `ownsGroup` can tell. */
export function mayOwnGroup(groupId: string, groupPrefix: string, topicPrefix: string): boolean {
  return groupId.startsWith(`${topicPrefix}${groupPrefix}`) || groupId.startsWith(groupPrefix);
}

/** Whether a group (its id and the topics it has committed on) is the deployment's. */
export function ownsGroup(
  groupId: string,
  committedTopics: readonly string[],
  groupPrefix: string,
  topicPrefix: string,
): boolean {
  if (groupId.startsWith(`${topicPrefix}${groupPrefix}`)) return true;
  return (
    topicPrefix !== '' &&
    groupId.startsWith(groupPrefix) &&
    committedTopics.some((t) => t.startsWith(topicPrefix))
  );
}
