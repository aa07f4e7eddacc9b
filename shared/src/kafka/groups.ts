// Which consumer groups belong to one deployment. Services name their groups `<TOPIC_PREFIX>siaghsync-*`,
// except the projector, whose versioned groups (`siaghsync-projector.v<n>`) carry no topic prefix; so a
// deployment with a prefix (a demo run, a test) also owns an unprefixed group that commits on its topics.
// Without a prefix this is the plain name-prefix filter it always was.

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
