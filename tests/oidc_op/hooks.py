def groups_in_id_token(id_token, user, token, request, **kwargs):
    """The organisation's groups travel in the ID token, as Entra ID's `groups` claim does."""
    id_token["groups"] = sorted(user.groups.values_list("name", flat=True))
    id_token["preferred_username"] = user.username
    id_token["given_name"] = user.first_name
    id_token["family_name"] = user.last_name
    return id_token
