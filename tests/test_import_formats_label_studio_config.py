"""Label Studio XML labeling configs create projects; other elements and XML declarations are refused."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from labeling.exceptions import SchemaError
from labeling.label_studio_config import schema_from_label_studio
from labeling.models import Membership, Project, Role
from labeling.schema import DEFAULT_SETTINGS
from tests.factories import project_creator

SENTIMENT = """<View>
  <Header value="How does the review feel?"/>
  <Text name="text" value="$text"/>
  <Choices name="sentiment" toName="text" choice="single" showInLine="true">
    <Choice value="Positive" hotkey="1" background="#00ff00"/>
    <Choice value="Negative" hotkey="2"/>
  </Choices>
</View>"""

NER = """<View>
  <Labels name="label" toName="text">
    <Label value="PER" background="red"/>
    <Label value="ORG" background="darkorange" hotkey="o"/>
  </Labels>
  <Text name="text" value="$text"/>
</View>"""


def test_single_choices_become_a_single_label_text_schema_with_hotkeys_and_colours():
    assert schema_from_label_studio(SENTIMENT) == {
        "kind": "single",
        "data": "text",
        "labels": [{"value": "Positive", "hotkey": "1", "color": "#00ff00"}, {"value": "Negative", "hotkey": "2"}],
        "settings": DEFAULT_SETTINGS,
    }


def test_labels_rating_rectangles_and_multiple_choices_map_to_their_kinds():
    boxes = '<View><Image name="image" value="$image"/><RectangleLabels name="l" toName="image"><Label value="car"/></RectangleLabels></View>'
    rating = '<View><Text name="t" value="$text"/><Rating name="r" toName="t" maxRating="10" icon="star"/></View>'
    multi = '<View><Image name="i" value="$image"/><Choices name="c" toName="i" choice="multiple"><Choice value="cat"/><Choice value="dog"/></Choices></View>'

    assert schema_from_label_studio(NER)["kind"] == "spans"
    assert [label["value"] for label in schema_from_label_studio(NER)["labels"]] == ["PER", "ORG"]
    assert {k: v for k, v in schema_from_label_studio(boxes).items() if k != "settings"} == {"kind": "boxes", "data": "image", "labels": [{"value": "car"}]}
    assert {k: v for k, v in schema_from_label_studio(rating).items() if k != "settings"} == {
        "kind": "rating", "data": "text", "scale": {"min": 1, "max": 10}, "level": "ordinal"}
    assert (schema_from_label_studio(multi)["kind"], schema_from_label_studio(multi)["data"]) == ("multi", "image")


@pytest.mark.parametrize(("config", "message"), [
    ('<View><Text name="t" value="$text"/><TextArea name="a" toName="t"/></View>', "<TextArea> has no Accord equivalent"),
    ('<View><Text name="t" value="$text"/><Choices name="a" toName="t"><Choice value="x"/></Choices>'
     '<Rating name="b" toName="t"/></View>', "exactly one of Choices, Rating, Labels, RectangleLabels; found <Choices name='a'>, <Rating name='b'>"),
    ('<!DOCTYPE v [<!ENTITY a "aaaa">]><View>&a;</View>', "DOCTYPE and ENTITY declarations are not allowed"),
    ("<View><Choices", "not valid XML"),
])
def test_configs_accord_cannot_express_are_refused_with_the_element_named(config, message):
    with pytest.raises(SchemaError) as raised:
        schema_from_label_studio(config)

    assert message in raised.value.message


@pytest.mark.django_db
def test_create_project_from_label_studio_prints_the_id(tmp_path, capsys):
    path = tmp_path / "config.xml"
    path.write_text(NER, encoding="utf-8")

    call_command("create_project", "People", "--from-label-studio", str(path))

    project = Project.objects.get(name="People")
    assert capsys.readouterr().out.strip() == str(project.pk)
    assert project.schema["kind"] == "spans"


@pytest.mark.django_db
def test_create_project_from_a_refused_config_is_a_command_error(tmp_path):
    path = tmp_path / "config.xml"
    path.write_text('<View><Text name="t" value="$text"/><Relations/></View>', encoding="utf-8")

    with pytest.raises(CommandError, match="<Relations> has no Accord equivalent"):
        call_command("create_project", "Rel", "--from-label-studio", str(path))
    assert not Project.objects.exists()


@pytest.mark.django_db
def test_new_project_page_creates_a_project_from_an_uploaded_config_and_makes_the_user_lead(client):
    user = project_creator("lee")
    client.force_login(user)
    upload = SimpleUploadedFile("config.xml", SENTIMENT.encode(), content_type="text/xml")

    response = client.post(reverse("lead-project-from-label-studio"), {"name": "Reviews", "config_file": upload})

    project = Project.objects.get(name="Reviews")
    assert response.status_code == 302
    assert Membership.objects.filter(project=project, user=user, role=Role.LEAD).exists()


@pytest.mark.django_db
def test_new_project_page_reports_a_refused_pasted_config(client):
    client.force_login(project_creator("lee"))

    response = client.post(reverse("lead-project-from-label-studio"), {"name": "X", "config": "<View><Video name='v'/></View>"}, follow=True)

    assert "&lt;Video&gt; has no Accord equivalent" in response.content.decode()
    assert not Project.objects.exists()


@pytest.mark.django_db
def test_a_user_without_the_create_permission_cannot_create_from_a_config(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("plain", password="pw"))

    response = client.post(reverse("lead-project-from-label-studio"), {"name": "X", "config": SENTIMENT})

    assert response.status_code == 403
    assert not Project.objects.filter(name="X").exists()
