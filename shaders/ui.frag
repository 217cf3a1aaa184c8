#version 330 core
// ui.frag - one job: text, colour times the coverage from the glyph atlas.
in vec2 v_uv;
in vec4 v_color;
uniform sampler2D u_atlas;             // R8 coverage
out vec4 o_color;
void main()
{
    o_color = vec4(v_color.rgb, v_color.a * texture(u_atlas, v_uv).r);
}
