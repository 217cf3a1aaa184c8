#version 330 core
// flat.frag - one job: panels, bars, lines and outlines in a flat colour (no texture fetch: this
// is most of the window's area, and software rasterisers pay per fetch).
in vec2 v_uv;
in vec4 v_color;
out vec4 o_color;
void main()
{
    o_color = v_color;
}
