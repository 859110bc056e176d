/** text-frontend: see the module's README. */
package dev.voxpipe.text;
