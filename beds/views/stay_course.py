"""The stay panel's part about where the stay comes from: the contract's frame and crisis plan, the ORS given
at check-in and the request it was booked from. Its own module and template (`beds/_stay_course.html`) so the
panel's other parts change independently."""

from __future__ import annotations

from beds.request_selectors import stays_with_origin
from beds.services import stay_frame_for
from psykiatrihus.policy import policy_for
from psykiatrihus.services import audit_log


def stay_course_context(request, stay) -> dict:
    """The frame that judged the stay (decided by `stay_frame_for`, where it comes from), the contract with its
    crisis plan, and the origin request. The stay is one the user may read (`stays_visible`), so its contract,
    of the same citizen and sector, is too; the request is shown when the user may see it (the request list's
    rule, as in the stay API); the contract read is audited."""
    contract, visitation = stay.contract, stay.visitation
    frame = stay_frame_for(house=stay.house, sector=stay.sector, contract=contract, on_date=stay.arrival_date,
                           visitation=visitation)
    house_frame = policy_for(house=stay.house, sector=stay.sector, on_date=stay.arrival_date).stay_frame_nights
    if visitation is not None and visitation.stay_frame_nights is not None:
        frame_source = "visitation"
    elif contract is not None and contract.stay_frame_nights is not None and contract.stay_frame_nights < house_frame:
        frame_source = "contract"
    else:
        frame_source = "house"
    stays_with_origin(stays=[stay], access=request.access)
    origin = stay.origin_request
    if contract is not None:
        audit_log(user=request.user, action="read", obj=contract, house=stay.house, citizen_id=stay.citizen_id,
                  detail="ophold: ramme og kriseplan")
    return {
        "course_contract": contract, "course_frame": frame, "course_frame_source": frame_source,
        "course_over_frame": stay.nights > frame, "course_request": origin,
        "course_crisis": contract is not None and any(
            (contract.crisis_what_helps, contract.crisis_warning_signs, contract.crisis_who_to_call)),
        "course_may_edit_contract": contract is not None and request.access.may_edit_contract(contract),
    }
