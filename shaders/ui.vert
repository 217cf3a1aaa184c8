#version 330 core
// ui.vert - flat quads for panels, lines and text: window pixels (origin top left) to clip space.
layout(location = 0) in vec2 a_pos;    // window pixels
layout(location = 1) in vec2 a_uv;     // atlas texel coordinates
layout(location = 2) in vec4 a_color;  // straight (not premultiplied) RGBA
uniform vec2 u_viewport;               // window size in pixels
out vec2 v_uv;
out vec4 v_color;
void main()
{
    vec2 ndc = a_pos / u_viewport * 2.0 - 1.0;
    gl_Position = vec4(ndc.x, -ndc.y, 0.0, 1.0);
    v_uv = a_uv;
    v_color = a_color;
}
