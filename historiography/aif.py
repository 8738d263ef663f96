"""A question's argument graph in the Argument Interchange Format (AIF JSON, as read by
OVA and the AIFdb tools): I-nodes for the positions and for the arguments' claims,
RA-nodes for inference (an argument supports its position, or another argument) and
CA-nodes for conflict (positions of one question conflict; an argument rebuts or
qualifies another). Pure: takes rows already fetched."""

from itertools import permutations

from .models import RelationKind


def question_graph(question, positions, arguments, relations):
    nodes, edges, participants = [], [], {}

    def node(node_id, text, kind):
        nodes.append({"nodeID": node_id, "text": text, "type": kind})
        return node_id

    def link(source, target):
        edges.append({"edgeID": str(len(edges) + 1), "fromID": source, "toID": target})

    def scheme(kind, text, source, target):
        middle = node(f"{kind.lower()}-{len(nodes) + 1}", text, kind)
        link(source, middle)
        link(middle, target)

    position_ids = {position.pk: node(f"position-{position.pk}", position.label, "I") for position in positions}
    argument_ids = {}
    for argument in arguments:
        argument_ids[argument.pk] = node(f"argument-{argument.pk}", argument.claim, "I")
        if argument.historian_id:  # a school's view has no one speaker
            participants.setdefault(argument.historian_id, argument.historian)
        scheme("RA", "Default Inference", argument_ids[argument.pk], position_ids[argument.position_id])
    for first, second in permutations(positions, 2):
        scheme("CA", "Default Conflict", position_ids[first.pk], position_ids[second.pk])
    for relation in relations:
        if relation.source_id not in argument_ids or relation.target_id not in argument_ids:
            continue  # the other end is on another question
        if relation.kind == RelationKind.SUPPORTS:
            scheme("RA", "Default Inference", argument_ids[relation.source_id], argument_ids[relation.target_id])
        else:
            text = "Default Conflict" if relation.kind == RelationKind.REBUTS else "Qualification"
            scheme("CA", text, argument_ids[relation.source_id], argument_ids[relation.target_id])
    return {
        "nodes": nodes,
        "edges": edges,
        "locutions": [],
        "participants": [
            {
                "participantID": person.pk,
                "firstname": person.name.rsplit(" ", 1)[0] if " " in person.name else "",
                "surname": person.name.rsplit(" ", 1)[-1],
            }
            for person in participants.values()
        ],
    }
